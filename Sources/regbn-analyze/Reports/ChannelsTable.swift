import Diagnostics

/// channels.csv: the channel-count check of each analysed layer or variant,
/// one row each, in the columns the report schema fixes.
enum ChannelsTable {
    static let header = ["name", "dataset", "channels", "spatial_shape", "features_per_sample", "batch_size",
                         "batch_to_feature_ratio", "channel_effective_rank", "channels_for_90pct_variance",
                         "channels_for_99pct_variance", "batches", "batches_rank_deficient", "batches_ill_conditioned",
                         "full_rank_possible", "verdict", "recommendation"]

    struct Row {
        let name: String
        /// The dataset as given on the command line.
        let dataset: String
        let result: ChannelValidationResult
    }

    static func build(_ rows: [Row]) -> CSVTable {
        var table = CSVTable(header: header)
        for row in rows {
            let v = row.result
            // Channel features that never vary have no variance to keep: no count.
            let count: (Int) -> CSVCell = { v.channelsVary ? .integer($0) : .missing }
            table.append([.text(row.name), .text(row.dataset), .integer(v.channels),
                          .text(v.spatialShape.map(String.init).joined(separator: "x")), .integer(v.featuresPerSample),
                          .integer(v.batchSize), .number(v.batchToFeatureRatio), .number(v.channelEffectiveRank),
                          count(v.channelsFor90PercentVariance), count(v.channelsFor99PercentVariance),
                          .integer(v.batches.count), .integer(v.rankDeficientBatches),
                          .integer(v.illConditionedBatches), .text(v.fullRankPossible ? "true" : "false"),
                          .text(v.verdict), .text(v.recommendation)])
        }
        return table
    }
}
