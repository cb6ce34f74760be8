import Diagnostics
import Foundation

/// The human summary printed after `audit` and `demo`: the comparison of
/// every pair's stages, then RegBN's λ and spectrum flags and the channel
/// verdicts.
enum AuditSummaryText {
    static func render(_ r: AuditResult) -> String {
        var text = ""
        for analysis in r.analyses {
            let roles = [analysis.x, analysis.y].map { role in r.names[role].map { "\(role) (\($0))" } ?? role }
            text += ComparisonText(rows: r.rows, pair: analysis.pair,
                                   title: "Dependence between \(roles[0]) and \(roles[1])").text
        }
        text += lambdaLine(r.batches) + "\n"
        text += flagLine(r.batches) + "\n"
        for layer in r.channels {
            text += "Channels of \(layer.name): \(layer.result.verdict)\n"
        }
        return text
    }

    private static func lambdaLine(_ batches: [BatchRecord]) -> String {
        let lambdas = batches.map(\.lambda).filter(\.isFinite)
        let fallbacks = batches.filter(\.fallback).count
        guard let low = lambdas.min(), let high = lambdas.max() else {
            return "λ: no step found a λ (\(fallbacks) of \(batches.count) steps fell back to λ = 0)"
        }
        return "λ over \(batches.count) training steps: \(ComparisonText.format(low)) – \(ComparisonText.format(high)); "
            + "\(fallbacks) fallback\(fallbacks == 1 ? "" : "s") to λ = 0"
    }

    private static func flagLine(_ batches: [BatchRecord]) -> String {
        let counts = BatchRecord.allFlagNames.compactMap { name -> String? in
            let n = batches.filter { $0.flagNames.contains(name) }.count
            return n > 0 ? "\(name) \(n)/\(batches.count)" : nil
        }
        return "Spectrum flags of the g batches: " + (counts.isEmpty ? "none" : counts.joined(separator: ", "))
    }
}
