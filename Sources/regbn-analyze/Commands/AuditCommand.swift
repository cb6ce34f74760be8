import Diagnostics
import Foundation
import HDF5IO
import Linalg
import RegBN

/// `audit`: RegBN (training emulation, inference) and every diagnostic on the
/// raw pair and on the RegBN output, written as one report directory.
struct AuditCommand {
    let options: AuditOptions
    let arguments: [String]

    @discardableResult
    func run() throws -> AuditResult {
        let report = ReportDirectory(path: options.report.directory, force: options.report.force)
        try report.prepare()
        switch options.regbn.precision {
        case .float32: return try run(as: Float.self, report: report)
        case .float64: return try run(as: Double.self, report: report)
        }
    }

    private func run<T: FeatureScalar & LinalgScalar>(as: T.Type, report: ReportDirectory) throws -> AuditResult {
        var clock = Stopwatch()
        let progress = Progress(quiet: options.report.quiet)
        let settings = options.regbn
        let working = settings.precision
        let f = try FeatureInput(role: "f", argument: options.f, layout: settings.layout)
        let g = try FeatureInput(role: "g", argument: options.g, layout: settings.layout)
        let run = try RegBNRun<T>(settings: settings, f: f, g: g)
        let maxSamples = options.diagnostics.maxSamples

        let raw = try clock.time("read_raw") {
            try RawStage(f: f, g: g, batchSize: settings.batchSize, maxSamples: maxSamples,
                         precision: working, progress: progress)
        }
        var regbnF = StageSamples(total: f.sampleCount, maxSamples: maxSamples, featureCount: f.featureCount,
                                  channels: f.channels)
        var records: [BatchRecord] = []
        _ = try clock.time("regbn") {
            try run.run(
                progress: progress,
                onStep: { step, result in
                    records.append(BatchRecord(result, step: step, gFeatures: g.featureCount, precision: working))
                },
                onInference: { rows, result in try regbnF.add(result.f, rows: rows) })
        }
        let suite = DependenceSuite(settings: options.diagnostics)
        progress.note("dependence statistics (raw)…")
        let rawMeasure = try clock.time("diagnostics_raw") {
            try suite.measure(stage: "raw", x: raw.f, y: raw.g, xName: "--f \(f.argument)", yName: "--g \(g.argument)")
        }
        progress.note("dependence statistics (RegBN)…")
        let regbnMeasure = try clock.time("diagnostics_regbn") {
            try suite.measure(stage: "regbn", x: regbnF, y: raw.g,
                              xName: "RegBN output of --f \(f.argument)", yName: "--g \(g.argument)")
        }
        let channels = try clock.time("channels") {
            try [("f", f, raw.f), ("g", g, raw.g)].map { name, input, samples in
                (name, try ChannelValidation(batchSize: settings.batchSize, precision: working)(
                    samples.subsampleMatrix, channels: input.channels, spatialShape: input.spatialShape))
            }
        }
        var warnings = AuditWarnings.collect(run: run, raw: rawMeasure, regbn: regbnMeasure, records: records,
                                             subsample: raw.f.subsample)
        if !raw.f.subsample.isComplete {
            warnings.append("channels.csv uses the \(raw.f.subsample.used)-sample subsample; its batches are "
                            + "rows of that subsample, not consecutive ones.")
        }
        let result = AuditResult(raw: rawMeasure, regbn: regbnMeasure, batches: records, rawGSpectra: raw.gSpectra,
                                 channels: channels, warnings: warnings, subsample: raw.f.subsample,
                                 reportPath: report.target.path)
        clock.finish()
        let timings = clock.timings
        try report.write { directory in
            try AuditReport(result: result, options: options, arguments: arguments, inputs: [f, g],
                            configuration: run.configuration, schedule: run.schedule)
                .write(to: ReportFiles(directory: directory), timings: timings)
        }
        return result
    }
}
