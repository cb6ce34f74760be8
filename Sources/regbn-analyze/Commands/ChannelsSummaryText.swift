import Diagnostics
import Foundation

/// What `channels` prints: for several layers a comparison table, then for
/// each layer its verdict and recommendation.
enum ChannelsSummaryText {
    static func render(_ layers: [ChannelsTable.Row], batchSize: Int) -> String {
        var text = layers.count > 1 ? table(layers, batchSize: batchSize) + "\n" : ""
        for layer in layers {
            let label = layer.name == layer.dataset ? layer.name : "\(layer.name) (\(layer.dataset))"
            text += "\(label): \(layer.result.verdict)\n  Recommendation: \(layer.result.recommendation)\n"
        }
        return text
    }

    /// Columns aligned: names left, numbers right.
    static func table(_ layers: [ChannelsTable.Row], batchSize: Int) -> String {
        let header = ["layer", "channels", "features", "eff. rank", "for 90 %", "for 99 %", "rank-deficient",
                      "ill-conditioned", "full rank"]
        let rows = layers.map { layer -> [String] in
            let v = layer.result
            let counts = v.channelsVary ? [String(v.channelsFor90PercentVariance), String(v.channelsFor99PercentVariance)]
                : ["-", "-"]
            return [layer.name, String(v.channels), String(v.featuresPerSample),
                    String(format: "%.1f", v.channelEffectiveRank)] + counts
                + ["\(v.rankDeficientBatches)/\(v.batches.count)", "\(v.illConditionedBatches)/\(v.batches.count)",
                   v.fullRankPossible ? "possible" : "impossible"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ") + "\n"
        }
        return "Channels of \(layers.count) layers at batch size \(batchSize) (effective rank and the channel counts "
            + "that keep 90 % / 99 % of the channel-feature variance; batches flagged of all full batches):\n"
            + line(header) + rows.map(line).joined()
    }
}
