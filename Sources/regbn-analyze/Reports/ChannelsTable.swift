import Diagnostics

/// channels.csv: the channel-count check of each analysed layer.
enum ChannelsTable {
    static let header = ["layer", "channels", "spatial_shape", "features_per_sample", "batch_size",
                         "channel_effective_rank", "channel_stable_rank", "batches", "flagged_batches",
                         "flagged_fraction", "verdict"]

    static func build(_ layers: [(name: String, result: ChannelValidationResult)]) -> CSVTable {
        var table = CSVTable(header: header)
        for (name, v) in layers {
            table.append([.text(name), .integer(v.channels), .text(v.spatialShape.map(String.init).joined(separator: "x")),
                          .integer(v.featuresPerSample), .integer(v.batchSize), .number(v.channelEffectiveRank),
                          .number(v.channelSpectrum.stableRank), .integer(v.batches.count), .integer(v.flaggedBatches),
                          .number(v.flaggedFraction), .text(v.verdict)])
        }
        return table
    }
}
