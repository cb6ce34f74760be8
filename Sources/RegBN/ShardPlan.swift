/// The columns of f's flattened features that one rank holds: `columns` of
/// `totalColumns`, in C order (channel major, `spatialSize` features per channel).
///
/// Everything a rank computes on f — its BatchNorm statistics, its part of the
/// running W and of W_hat, its outputs — concerns these columns only; what couples
/// the ranks are per-sample sums (LayerNorm), per-channel sums (BatchNorm of a
/// channel split between ranks) and the gap of the running-W blend.
public struct FeatureShard: Sendable, Equatable, Hashable {
    /// This rank's columns, a contiguous range of 0..<totalColumns.
    public let columns: Range<Int>
    /// P, f's flattened width.
    public let totalColumns: Int
    /// Features per channel (the product of the spatial shape; 1 for vectors).
    public let spatialSize: Int

    public init(columns: Range<Int>, totalColumns: Int, spatialSize: Int) {
        precondition(columns.lowerBound >= 0 && columns.upperBound <= totalColumns && spatialSize >= 1
                     && totalColumns % spatialSize == 0,
                     "columns \(columns) of \(totalColumns) in channels of \(spatialSize)")
        self.columns = columns
        self.totalColumns = totalColumns
        self.spatialSize = spatialSize
    }

    /// The whole of f (one rank).
    public static func whole(totalColumns: Int, spatialSize: Int) -> FeatureShard {
        FeatureShard(columns: 0..<totalColumns, totalColumns: totalColumns, spatialSize: spatialSize)
    }

    public var width: Int { columns.count }
    public var isWhole: Bool { columns.count == totalColumns }
    /// The channels this shard holds some or all of.
    public var channels: Range<Int> {
        guard !columns.isEmpty else { return columns.lowerBound / spatialSize..<columns.lowerBound / spatialSize }
        return (columns.lowerBound / spatialSize)..<((columns.upperBound - 1) / spatialSize + 1)
    }
    /// Every channel of this shard lies wholly in it (channel-aligned boundaries).
    public var isChannelAligned: Bool {
        columns.lowerBound % spatialSize == 0 && columns.upperBound % spatialSize == 0
    }

    /// Channel `channel`'s features in a `rows × width` block of this shard, as runs
    /// of local columns (one per sample row).
    func runs(ofChannel channel: Int, rows: Int) -> StridedRuns {
        let start = max(columns.lowerBound, channel * spatialSize)
        let end = min(columns.upperBound, (channel + 1) * spatialSize)
        return StridedRuns(start: start - columns.lowerBound, length: max(0, end - start), stride: width, count: rows)
    }
}

/// How f's columns are spread over the ranks of a RegBN run.
///
/// Rank r holds a contiguous block of f's flattened columns (`shard(rank:)`), g is
/// whole on every rank. Blocks follow channel boundaries whenever there are at
/// least as many channels as ranks (channels spread as evenly as whole channels
/// allow): each rank's BatchNorm statistics are then its own, and a rank reads a
/// rectangular hyperslab [N, c₀:c₁, …] of an [N, C, …] dataset. With more ranks
/// than channels the columns are spread evenly and a channel may be split; its
/// BatchNorm statistics are then added up across the ranks that share it.
///
/// At most `maximumRanks` (= P, one column each) can be used; the memory that each
/// rank needs is `RegBNMemoryModel`'s business.
public struct RegBNShardPlan: Sendable, Equatable {
    public let ranks: Int
    /// P, f's flattened width.
    public let totalColumns: Int
    public let channels: Int
    /// Features per channel.
    public let spatialSize: Int

    /// - Throws: `RegBNError.invalidConfiguration` for fewer than 1 or more than P ranks.
    public init(configuration: RegBNConfiguration, ranks: Int) throws {
        try configuration.validate()
        let columns = configuration.fFeatureCount
        guard ranks >= 1, ranks <= columns else {
            throw RegBNError.invalidConfiguration(
                "\(ranks) ranks cannot share f's \(columns) flattened features (channels \(configuration.fChannels), "
                    + "spatial \(configuration.fSpatialShape)): use between 1 and \(columns) ranks, each holding at "
                    + "least one column (at most \(configuration.fChannels) keep whole channels on every rank)")
        }
        self.ranks = ranks
        totalColumns = columns
        channels = configuration.fChannels
        spatialSize = columns / configuration.fChannels
    }

    /// P: every rank holds at least one column.
    public var maximumRanks: Int { totalColumns }

    /// Blocks follow channel boundaries (at most one rank per channel).
    public var isChannelAligned: Bool { ranks <= channels }

    /// Rank `rank`'s columns.
    public func shard(rank: Int) -> FeatureShard {
        precondition((0..<ranks).contains(rank), "rank \(rank) of \(ranks)")
        let (units, unit) = isChannelAligned ? (channels, spatialSize) : (totalColumns, 1)
        let first = Self.share(rank, of: units, ranks), last = Self.share(rank + 1, of: units, ranks)
        return FeatureShard(columns: (first * unit)..<(last * unit), totalColumns: totalColumns,
                            spatialSize: spatialSize)
    }

    /// ⌊k·units/ranks⌋ without overflow (k ≤ ranks ≤ units).
    private static func share(_ k: Int, of units: Int, _ ranks: Int) -> Int {
        ranks.dividingFullWidth(k.multipliedFullWidth(by: units)).quotient
    }

    /// Every rank's shard, in rank order.
    public var shards: [FeatureShard] { (0..<ranks).map { shard(rank: $0) } }
}
