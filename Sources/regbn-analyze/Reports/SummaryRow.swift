import Diagnostics

/// One row of summary.csv: a value, where it comes from (measure, stage,
/// operand pair, condition), its p-value, its interval and its settings.
/// summary.csv and summary.tex are both rendered from these.
struct SummaryRow: Sendable, Equatable {
    var measure: String
    var stage: Stage
    var pair: String
    /// `none`, or `strata=FILE:/ds` for the within-strata rows.
    var condition: String = SummaryRow.noCondition
    /// NaN when the measure is unavailable (the warnings say why).
    var value: Double
    var pValue: Double?
    /// `gamma`, `permutation:R`, `stratified-permutation:R`, or empty.
    var pMethod = ""
    var interval: Interval?
    var n: Int
    var settings: String

    struct Interval: Sendable, Equatable {
        let low: Double
        let high: Double
        /// `ci_method`, e.g. `bootstrap-basic:200:0.95`.
        let method: String
    }

    static let noCondition = "none"
}

extension SummaryRow {
    /// One row per p-value of `estimate` (one row without a p-value when it has
    /// none), each carrying the estimate's interval.
    static func rows(_ estimate: MeasureEstimate, stage: Stage, pair: String, condition: String,
                     settings: (PValue?) -> String) -> [SummaryRow] {
        let interval = estimate.interval.map { Interval(low: $0.low, high: $0.high, method: $0.methodLabel) }
        let pValues: [PValue?] = estimate.pValues.isEmpty ? [nil] : estimate.pValues
        return pValues.map { p in
            SummaryRow(measure: estimate.measure.rawValue, stage: stage, pair: pair, condition: condition,
                       value: estimate.value, pValue: p?.value, pMethod: p?.method.label ?? "", interval: interval,
                       n: estimate.n, settings: settings(p))
        }
    }
}

/// The `stage` column: what was measured. `null` is x against y with y's rows
/// shuffled; `difference…` rows are raw minus the stage they name, from a
/// paired bootstrap.
enum Stage: String, Sendable, CaseIterable, Comparable {
    case raw
    case regbn
    case ols
    case olsBatch = "ols-batch"
    case null
    case difference
    case differenceOLS = "difference-ols"
    case differenceOLSBatch = "difference-ols-batch"

    /// The `difference…` stage of raw minus this one.
    var differenceFromRaw: Stage? {
        switch self {
        case .regbn: return .difference
        case .ols: return .differenceOLS
        case .olsBatch: return .differenceOLSBatch
        case .raw, .null, .difference, .differenceOLS, .differenceOLSBatch: return nil
        }
    }

    /// How the human summaries and summary.tex name the stage.
    var label: String {
        switch self {
        case .raw: return "raw"
        case .regbn: return "RegBN"
        case .ols: return "OLS"
        case .olsBatch: return "OLS (batch)"
        case .null: return "null"
        case .difference: return "raw − RegBN"
        case .differenceOLS: return "raw − OLS"
        case .differenceOLSBatch: return "raw − OLS (batch)"
        }
    }

    static func < (a: Stage, b: Stage) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
