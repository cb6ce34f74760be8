import Cluster

/// One rank's place in a sharded run: the columns of f it holds, the
/// communicator to the other ranks, and which sums must cross ranks.
///
/// The normalisations add up their per-sample (LayerNorm) or per-channel
/// (BatchNorm) sums through it; with one rank (or a whole modality such as g,
/// which every rank holds) nothing crosses and the sums are this rank's own.
struct ShardContext: Sendable {
    let shard: FeatureShard
    /// Every channel lies in one rank's columns, so BatchNorm sums stay local.
    let channelsAreLocal: Bool
    let communicator: any Communicator

    /// A whole modality held by this process alone (g on every rank, or f with one rank).
    static func whole(columns: Int, spatialSize: Int) -> ShardContext {
        ShardContext(shard: .whole(totalColumns: columns, spatialSize: max(1, spatialSize)), channelsAreLocal: true,
                     communicator: SingleProcess())
    }

    /// Features per sample over all ranks (a LayerNorm's row length).
    var rowLength: Int { shard.totalColumns }

    private var isShared: Bool { communicator.size > 1 }

    /// Per-row partial sums of this rank's columns → the rows' totals over all ranks.
    func addRowSums(_ sums: inout [Double]) throws(CommunicatorError) {
        guard isShared else { return }
        try communicator.allreduceSum(&sums)
    }

    /// Whether BatchNorm's per-channel sums cross ranks (a channel split between ranks).
    var addsChannelSums: Bool { isShared && !channelsAreLocal }

    /// Per-channel partial sums of `channels` → the channels' totals over all ranks.
    /// Channels are exchanged as one vector over every channel of the layer (zeros
    /// where a rank holds nothing), so that the ranks sharing a channel line up.
    func addChannelSums(_ sums: inout [Double], channels: Range<Int>) throws(CommunicatorError) {
        guard addsChannelSums else { return }
        var layer = [Double](repeating: 0, count: shard.totalColumns / shard.spatialSize)
        layer.replaceSubrange(channels, with: sums)
        try communicator.allreduceSum(&layer)
        sums = Array(layer[channels])
    }
}
