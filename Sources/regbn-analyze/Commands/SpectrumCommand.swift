import Diagnostics
import Foundation

/// `spectrum`: singular-value spectra of consecutive batches of one dataset,
/// streamed one batch at a time.
struct SpectrumCommand {
    let options: SpectrumOptions
    let arguments: [String]

    func run() throws -> String {
        let report = ReportDirectory(path: options.report.directory, force: options.report.force)
        try report.prepare()
        var clock = Stopwatch()
        let progress = Progress(quiet: options.report.quiet)
        let x = try FeatureInput(role: "x", argument: options.x, layout: options.layout)
        let b = options.batchSize
        let batchCount = x.sampleCount / b
        guard batchCount > 0 else {
            throw InputError("--batch-size \(b) is larger than the \(x.sampleCount) samples of \(x.argument): "
                             + "no full batch to analyse.")
        }
        let analysis = SpectrumAnalysis(batchSize: b, precision: .float64)
        let spectra = try clock.time("spectra") {
            try (0..<batchCount).map { index -> (epoch: Int, step: Int, spectrum: SpectrumSummary) in
                let batch = try x.read(rows: (index * b)..<((index + 1) * b), as: Double.self)
                progress.update("spectra", done: index + 1, total: batchCount)
                return (0, index, try analysis(batch)[0])
            }
        }
        progress.finishLine()
        clock.finish()
        let timings = clock.timings
        try report.write { directory in
            let files = ReportFiles(directory: directory)
            try files.write(SpectrumTable.build(spectra), as: "spectrum.csv")
            try files.write(BatchesTable.build(spectra: spectra), as: "batches.csv")
            var manifest = RunManifest(command: "spectrum", arguments: arguments, configuration: [
                "batch_size": .integer(b), "layout": .string(options.layout.rawValue),
                "batches": .integer(batchCount), "samples_dropped": .integer(x.sampleCount - batchCount * b),
                "precision": .string("float64"),
            ])
            manifest.inputs = try FeatureInput.manifestEntries([x])
            manifest.timings = timings
            if x.sampleCount % b != 0 {
                manifest.warnings = ["The last \(x.sampleCount % b) samples do not fill a batch and are not analysed."]
            }
            try files.write(manifest)
        }
        let summaries = spectra.map(\.spectrum)
        let meanEffective = summaries.map(\.effectiveRank).reduce(0, +) / Double(summaries.count)
        var text = "\(batchCount) batches of \(b) rows × \(x.featureCount) features; "
            + "mean effective rank \(AuditSummaryText.fmt(meanEffective))\n"
        for flag in SpectrumFlag.allCases {
            let n = summaries.filter { $0.flags.contains(flag) }.count
            if n > 0 { text += "  \(flag.rawValue): \(n) of \(batchCount) batches\n" }
        }
        text += "Report: \(report.target.path)\n"
        return text
    }
}
