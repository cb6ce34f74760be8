import Diagnostics
import Foundation

/// `dependence`: the dependence statistics of two datasets, no RegBN.
struct DependenceCommand {
    let options: DependenceOptions
    let arguments: [String]

    /// Rows read per pass; only the subsample and channel means are kept.
    static let readBatch = 512

    func run() throws -> String {
        let report = ReportDirectory(path: options.report.directory, force: options.report.force)
        try report.prepare()
        var clock = Stopwatch()
        let progress = Progress(quiet: options.report.quiet)
        let x = try FeatureInput(role: "x", argument: options.x, layout: options.layout)
        let y = try FeatureInput(role: "y", argument: options.y, layout: options.layout)
        try InputPair.requireSameSamples(x, y)
        let samples = try clock.time("read") {
            try RawStage(f: x, g: y, batchSize: Self.readBatch, maxSamples: options.diagnostics.maxSamples,
                         precision: .float64, spectra: false, progress: progress)
        }
        let measurement = try clock.time("diagnostics") {
            try DependenceSuite(settings: options.diagnostics).measure(stage: "raw", x: samples.f, y: samples.g,
                                                                     xName: "--x \(x.argument)", yName: "--y \(y.argument)")
        }
        var warnings = measurement.warnings
        let subsample = samples.f.subsample
        if !subsample.isComplete {
            warnings.append("Kernel statistics use \(subsample.used) of \(subsample.total) samples "
                            + "(\(subsample.method) subsample, --max-samples \(subsample.maxSamples)).")
        }
        let c = measurement.crosscorr
        if !c.constantChannelsX.isEmpty || !c.constantChannelsY.isEmpty {
            warnings.append("Zero-variance channels excluded from the cross-correlation: "
                            + "x \(c.constantChannelsX), y \(c.constantChannelsY).")
        }
        clock.finish()
        let timings = clock.timings
        let summary = SummaryTable.build([measurement], spectra: [])
        try report.write { directory in
            let files = ReportFiles(directory: directory)
            try files.write(summary, as: "summary.csv")
            try files.write(CrossCorrTable.build(raw: c, regbn: nil), as: "crosscorr.csv")
            if options.report.latex { try files.write(text: LatexSummary.render(summary), as: "summary.tex") }
            var configuration = options.diagnostics.json
            configuration["layout"] = .string(options.layout.rawValue)
            var manifest = RunManifest(command: "dependence", arguments: arguments, configuration: configuration)
            manifest.inputs = try FeatureInput.manifestEntries([x, y])
            manifest.subsample = subsample.json
            manifest.timings = timings
            manifest.warnings = warnings
            try files.write(manifest)
        }
        let h = measurement.hsic
        var text = "Dependence between x and y (n = \(subsample.used)):\n"
        text += "  HSIC (normalised) \(AuditSummaryText.fmt(h.normalized)), gamma p = \(AuditSummaryText.fmt(h.gamma.pValue))\n"
        text += "  linear CKA \(AuditSummaryText.fmt(measurement.linear.cka)), "
            + "distance correlation \(AuditSummaryText.fmt(measurement.dcor.distanceCorrelation))\n"
        text += "  channel cross-correlation mean |r| \(AuditSummaryText.fmt(c.meanAbs)), "
            + "max |r| \(AuditSummaryText.fmt(c.maxAbs))\n"
        for warning in warnings { text += "Warning: \(warning)\n" }
        text += "Report: \(report.target.path)\n"
        return text
    }
}
