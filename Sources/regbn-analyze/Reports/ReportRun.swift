import Foundation

/// What a report command computed: the files it writes and what it prints.
protocol ReportOutcome {
    /// summary.csv (and summary.tex with `--latex`); nil when the command writes none.
    var summaryRows: [SummaryRow]? { get }
    /// The human summary, before the warnings and the `Report:` line.
    var summary: String { get }
    /// Every other file of the report (run.json is written by `ReportRun`).
    func write(to files: ReportFiles) throws
}

/// The steps every report command (`audit`, `dependence`, `spectrum`) runs,
/// in this order: check that the report can be written, before any work;
/// read the inputs and compute (`compute`, timed, with progress on stderr);
/// write every file into the staging directory and rename it into place;
/// print the summary, the warnings and where the report is.
struct ReportRun {
    let command: String
    let arguments: [String]
    let settings: ReportSettings

    /// What `compute` fills in besides its outcome.
    struct Context {
        var clock = Stopwatch()
        let progress: Progress
        var warnings = ReportWarnings()
        /// run.json; `ReportRun` adds the timings and warnings.
        var manifest: RunManifest
    }

    /// Returns the outcome and the text to print.
    func callAsFunction<Outcome: ReportOutcome>(
        _ compute: (inout Context) throws -> Outcome
    ) throws -> (outcome: Outcome, text: String) {
        let report = ReportDirectory(path: settings.directory, force: settings.force)
        try report.prepare()
        var context = Context(progress: Progress(quiet: settings.quiet),
                              manifest: RunManifest(command: command, arguments: arguments, configuration: [:]))
        let outcome = try compute(&context)
        context.clock.finish()
        var manifest = context.manifest
        manifest.timings = context.clock.timings
        manifest.warnings = context.warnings.all
        try report.write { directory in
            let files = ReportFiles(directory: directory)
            if let rows = outcome.summaryRows {
                try files.write(SummaryTable.build(rows), as: "summary.csv")
                if settings.latex { try files.write(text: LatexSummary.render(rows), as: "summary.tex") }
            }
            try outcome.write(to: files)
            try files.write(manifest)
        }
        var text = outcome.summary
        for warning in manifest.warnings { text += "Warning: \(warning)\n" }
        text += "Report: \(report.target.path)\n"
        return (outcome, text)
    }
}
