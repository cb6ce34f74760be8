import Diagnostics
import Foundation

/// `channels`: is each layer's (or variant's) channel count sensible for
/// RegBN at this batch size? Reads each dataset once, a batch at a time, into
/// the channel spectrum and the batch spectra, prints the verdicts and
/// recommendations (a comparison table first when there are several), and
/// with `--out` writes channels.csv, run.json and, for one layer, its batch
/// spectra.
struct ChannelsCommand {
    let options: ChannelsOptions
    let arguments: [String]

    func run() throws -> String {
        let inputs = try options.inputs.map { try FeatureInput(role: "x", argument: $0, layout: options.layout) }
        try MemoryPlan.channels(inputs, batchSize: options.batchSize, available: try AvailableMemory.current())
            .requireFits()
        let report = options.report.map { ReportDirectory(path: $0.directory, force: $0.force) }
        try report?.prepare()
        var clock = Stopwatch()
        let progress = Progress(quiet: options.quiet)
        let layers = try clock.time("validation") {
            try zip(options.names, inputs).map { name, input in
                ChannelsTable.Row(name: name, dataset: input.argument.description,
                                  result: try validate(input, named: name, progress: progress))
            }
        }
        clock.finish()
        var text = ChannelsSummaryText.render(layers, batchSize: options.batchSize)
        if let report {
            let timings = clock.timings
            try report.write { directory in try write(layers, inputs: inputs, to: ReportFiles(directory: directory),
                                                      timings: timings) }
            text += "Report: \(report.target.path)\n"
        }
        return text
    }

    /// Streams `input` through the validation, one batch of rows at a time.
    private func validate(_ input: FeatureInput, named name: String, progress: Progress) throws
        -> ChannelValidationResult {
        let b = options.batchSize, total = input.sampleCount
        guard total >= b else {
            throw InputError("--batch-size \(b) is larger than the \(total) samples of --x \(input.argument): "
                             + "no full batch to analyse.")
        }
        let validation = ChannelValidation(
            batchSize: b, precision: .float64,
            threshold: SingularValueThreshold(relative: options.sigmaThr, replacement: options.sigmaMin))
        do {
            var accumulator = try validation.accumulator(channels: input.channels, spatialShape: input.spatialShape)
            var start = 0
            while start < total {
                let rows = start..<min(total, start + b)
                try accumulator.add(try input.read(rows: rows, as: Double.self))
                start = rows.upperBound
                progress.update("channels of \(name)", done: start, total: total)
            }
            progress.finishLine()
            return try accumulator.result()
        } catch let error as DiagnosticsError {
            throw LayerDiagnosticsError(argument: "--x \(input.argument)", underlying: error)
        }
    }

    private func write(_ layers: [ChannelsTable.Row], inputs: [FeatureInput], to files: ReportFiles,
                       timings: [String: Double]) throws {
        try files.write(ChannelsTable.build(layers), as: "channels.csv")
        // The spectrum and batches tables describe one layer's batches.
        if layers.count == 1, let batches = layers.first?.result.batches {
            let rows = batches.enumerated().map { (epoch: 0, step: $0.offset, spectrum: $0.element) }
            try files.write(SpectrumTable.build(rows), as: "spectrum.csv")
            try files.write(BatchesTable.build(spectra: rows), as: "batches.csv")
        }
        var manifest = RunManifest(command: "channels", arguments: arguments, configuration: [
            "batch_size": .integer(options.batchSize), "layout": .string(options.layout.rawValue),
            "precision": .string("float64"), "sigma_thr": .number(options.sigmaThr),
            "sigma_min": .number(options.sigmaMin),
            "layers": .array(layers.map { .object(["name": .string($0.name), "dataset": .string($0.dataset)]) }),
        ])
        manifest.inputs = try FeatureInput.manifestEntries(inputs)
        manifest.timings = timings
        try files.write(manifest)
    }
}

/// A statistics error about one of several `--x` layers, quoting it.
struct LayerDiagnosticsError: Error, CustomStringConvertible, ExitStatusProviding {
    /// `--x FILE:/dataset`, as given.
    let argument: String
    let underlying: DiagnosticsError

    var exitStatus: ExitStatus { underlying.exitStatus }
    func advice(in context: ErrorContext) -> String? { underlying.advice(in: context) }
    var description: String { "\(argument): \(underlying)" }
}
