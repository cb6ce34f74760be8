import Diagnostics

/// What an audit found, for the report files and the human summary.
struct AuditResult {
    let raw: StageMeasurement
    let regbn: StageMeasurement
    let batches: [BatchRecord]
    let rawGSpectra: [SpectrumSummary]
    let channels: [(name: String, result: ChannelValidationResult)]
    let warnings: [String]
    /// The rows the exact kernels used (`--max-samples`).
    let subsample: Subsample
    let reportPath: String
}
