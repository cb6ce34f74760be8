import Foundation

/// The printed comparison of one pair: the headline measures of every stage
/// side by side (raw, RegBN, baselines, null, differences), each value with
/// its interval on the line below, marginally and within strata, then the
/// p-values of the raw stage. Rendered from the summary rows, like summary.tex.
struct ComparisonText {
    let rows: [SummaryRow]
    let pair: String
    /// How the heading names the pair, e.g. `f (/f) and g (/g)`.
    let title: String

    static let headline: [(measure: String, label: String)] = [
        ("hsic_normalized", "HSIC (norm.)"), ("cka_linear", "linear CKA"), ("dcor", "dCor"),
        ("crosscorr_mean_abs", "mean |r|"),
    ]
    private static let labelWidth = 20
    private static let columnWidth = 17

    var text: String {
        let mine = rows.filter { $0.pair == pair }
        guard let any = mine.first(where: { Self.headline.map(\.measure).contains($0.measure) }) else { return "" }
        var text = "\(title), n = \(any.n)"
        if let method = mine.compactMap(\.interval?.method).first {
            let parts = method.split(separator: ":")
            if parts.count == 3, let level = Double(parts[2]) {
                text += "; [\(String(format: "%g", level * 100)) % interval] from \(parts[1]) bootstrap resamples"
            }
        }
        text += ":\n" + Self.pad("  stage", Self.labelWidth)
            + Self.headline.map { Self.pad($0.label, Self.columnWidth) }.joined() + "\n"
        var conditions: [String] = []
        for row in mine where !conditions.contains(row.condition) { conditions.append(row.condition) }
        for condition in conditions {
            let block = mine.filter { $0.condition == condition }
            if condition != SummaryRow.noCondition { text += "  within \(condition):\n" }
            var stages: [Stage] = []
            for row in block where !stages.contains(row.stage) { stages.append(row.stage) }
            for stage in stages.sorted() {
                let cells = Self.headline.map { headline in block.first { $0.measure == headline.measure && $0.stage == stage } }
                text += Self.pad("  " + stage.label, Self.labelWidth)
                    + cells.map { Self.pad($0.map { Self.format($0.value) } ?? "–", Self.columnWidth) }.joined() + "\n"
                if cells.contains(where: { $0?.interval != nil }) {
                    text += Self.pad("", Self.labelWidth) + cells.map { cell in
                        Self.pad(cell?.interval.map { "[\(Self.format($0.low, digits: 2)), \(Self.format($0.high, digits: 2))]" } ?? "",
                                 Self.columnWidth)
                    }.joined() + "\n"
                }
            }
            if condition != SummaryRow.noCondition { text += strataShare(within: block) }
        }
        return Self.trimmingTrailingSpaces(text + pValues(mine))
    }

    private static func trimmingTrailingSpaces(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
            .joined(separator: "\n")
    }

    /// 1 − within/marginal of the raw stage: how much of the dependence goes
    /// through the strata (the confounder's share).
    private func strataShare(within block: [SummaryRow]) -> String {
        let cells = Self.headline.map { headline -> String in
            let marginal = rows.first { $0.pair == pair && $0.condition == SummaryRow.noCondition
                && $0.stage == .raw && $0.measure == headline.measure }?.value
            let within = block.first { $0.stage == .raw && $0.measure == headline.measure }?.value
            guard let marginal, let within, marginal > 0, within.isFinite else { return "–" }
            return String(format: "%.0f %%", 100 * (1 - within / marginal))
        }
        return Self.pad("  strata share", Self.labelWidth) + cells.map { Self.pad($0, Self.columnWidth) }.joined()
            + "(raw: 1 − within/marginal; below 0: stronger within strata)\n"
    }

    /// The raw stage's p-values, marginal and within strata.
    private func pValues(_ mine: [SummaryRow]) -> String {
        let tested = mine.filter { $0.stage == .raw && $0.pValue != nil && !$0.pMethod.isEmpty }
        guard !tested.isEmpty else { return "" }
        let parts = tested.map { row -> String in
            let within = row.condition == SummaryRow.noCondition ? "" : " within strata"
            return "\(row.measure)\(within) \(Self.formatP(row.pValue ?? .nan)) (\(row.pMethod))"
        }
        return "  p-values (raw): " + parts.joined(separator: ", ") + "\n"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }

    /// Four significant digits (`digits` for interval ends), `nan` for a missing value.
    static func format(_ x: Double, digits: Int = 4) -> String {
        if !x.isFinite { return CSVFormat.number(x) }
        let magnitude = abs(x)
        if x != 0 && (magnitude >= 1e4 || magnitude < 1e-3) { return String(format: "%.\(max(1, digits - 1))e", x) }
        return String(format: "%.\(digits)g", x)
    }

    static func formatP(_ p: Double) -> String {
        if p.isNaN { return "nan" }
        return p == 0 ? "< 1e-300" : (p < 1e-3 ? String(format: "%.2g", p) : String(format: "%.3f", p))
    }
}
