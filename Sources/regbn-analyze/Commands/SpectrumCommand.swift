import Diagnostics
import Foundation

/// `spectrum`: singular-value spectra of consecutive batches of one dataset,
/// streamed one batch at a time.
struct SpectrumCommand {
    let options: SpectrumOptions
    let arguments: [String]

    func run() throws -> String {
        // Refuse what cannot fit before anything is staged or read.
        try MemoryPlan.spectrum(options).requireFits()
        let run = ReportRun(command: "spectrum", arguments: arguments, settings: options.report)
        return try run { context in try compute(&context) }.text
    }

    private func compute(_ context: inout ReportRun.Context) throws -> SpectrumOutcome {
        let x = try FeatureInput(role: "x", argument: options.x, layout: options.layout)
        let b = options.batchSize
        let batchCount = try FullBatches.count(samples: x.sampleCount, batchSize: b, of: "samples of \(x.argument)",
                                               purpose: "analyse")
        let analysis = SpectrumAnalysis(batchSize: b, precision: .float64)
        let progress = context.progress
        let spectra = try context.clock.time("spectra") {
            try (0..<batchCount).map { index -> (epoch: Int, step: Int, spectrum: SpectrumSummary) in
                let batch = try x.read(rows: (index * b)..<((index + 1) * b), as: Double.self)
                progress.update("spectra", done: index + 1, total: batchCount)
                return (0, index, try analysis(batch)[0])
            }
        }
        progress.finishLine()
        context.manifest.configuration = [
            "batch_size": .integer(b), "layout": .string(options.layout.rawValue),
            "batches": .integer(batchCount), "samples_dropped": .integer(x.sampleCount - batchCount * b),
            "precision": .string("float64"),
        ]
        context.manifest.inputs = try FeatureInput.manifestEntries([x])
        context.manifest.names = OperandNames.resolved([("x", options.name, options.x)])
        if x.sampleCount % b != 0 {
            context.warnings.add("The last \(x.sampleCount % b) samples do not fill a batch and are not analysed.")
        }
        return SpectrumOutcome(spectra: spectra, batchSize: b, featureCount: x.featureCount)
    }
}

/// The spectra of `spectrum`: spectrum.csv, batches.csv and a one-line summary.
struct SpectrumOutcome: ReportOutcome {
    let spectra: [(epoch: Int, step: Int, spectrum: SpectrumSummary)]
    let batchSize: Int
    let featureCount: Int

    var summaryRows: [SummaryRow]? { nil }

    var summary: String {
        let summaries = spectra.map(\.spectrum)
        let meanEffective = summaries.map(\.effectiveRank).reduce(0, +) / Double(summaries.count)
        var text = "\(spectra.count) batches of \(batchSize) rows × \(featureCount) features; "
            + "mean effective rank \(ComparisonText.format(meanEffective))\n"
        for flag in SpectrumFlag.allCases {
            let n = summaries.filter { $0.flags.contains(flag) }.count
            if n > 0 { text += "  \(flag.rawValue): \(n) of \(spectra.count) batches\n" }
        }
        return text
    }

    func write(to files: ReportFiles) throws {
        try files.write(SpectrumTable.build(spectra), as: "spectrum.csv")
        try files.write(BatchesTable.build(spectra: spectra), as: "batches.csv")
    }
}
