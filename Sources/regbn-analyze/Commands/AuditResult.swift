import Diagnostics

/// What an audit found, for the report files and the human summary.
struct AuditResult: ReportOutcome {
    let rows: [SummaryRow]
    /// f~g, then (with --confounder) f~confounder and g~confounder.
    let analyses: [PairAnalysis]
    /// Display names by role (run.json `names`).
    let names: [String: String]
    let rawCrosscorr: ChannelCorrelationResult?
    let regbnCrosscorr: ChannelCorrelationResult?
    let batches: [BatchRecord]
    let channels: [ChannelsTable.Row]

    var summaryRows: [SummaryRow]? { rows }
    var summary: String { AuditSummaryText.render(self) }

    func write(to files: ReportFiles) throws {
        try files.write(CrossCorrTable.build(raw: rawCrosscorr, regbn: regbnCrosscorr), as: "crosscorr.csv")
        try files.write(SpectrumTable.build(batches.map { ($0.epoch, $0.step, $0.spectrum) }), as: "spectrum.csv")
        try files.write(BatchesTable.build(batches), as: "batches.csv")
        try files.write(ChannelsTable.build(channels), as: "channels.csv")
    }
}
