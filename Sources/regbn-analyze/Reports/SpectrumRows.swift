import Diagnostics

/// The spectrum summaries of summary.csv: the mean effective and stable rank
/// of one stage's g batches (pair f~g, no p-value, no interval).
enum SpectrumRows {
    static func rows(stage: Stage, summaries: [SpectrumSummary], description: String) -> [SummaryRow] {
        let settings = "\(description); mean over \(summaries.count) batches"
        return [("effective_rank_g", summaries.map(\.effectiveRank)), ("stable_rank_g", summaries.map(\.stableRank))]
            .map { measure, values in
                SummaryRow(measure: measure, stage: stage, pair: "f~g", value: mean(values), n: summaries.count,
                           settings: settings)
            }
    }

    private static func mean(_ values: [Double]) -> Double {
        let finite = values.filter(\.isFinite)
        return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
    }
}
