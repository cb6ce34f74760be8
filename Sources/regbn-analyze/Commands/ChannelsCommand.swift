import Diagnostics
import Foundation

/// `channels`: is the layer's channel count sensible for RegBN at this batch
/// size? Prints the verdict; with `--out` also writes channels.csv and the
/// batch spectra. Reads the whole dataset (the channel spectrum needs every row).
struct ChannelsCommand {
    let options: ChannelsOptions
    let arguments: [String]

    func run() throws -> String {
        let report = options.report.map { ReportDirectory(path: $0.directory, force: $0.force) }
        try report?.prepare()
        var clock = Stopwatch()
        let x = try FeatureInput(role: "x", argument: options.x, layout: options.layout)
        guard x.sampleCount >= options.batchSize else {
            throw InputError("--batch-size \(options.batchSize) is larger than the \(x.sampleCount) samples of "
                             + "\(x.argument): no full batch to analyse.")
        }
        let values = try clock.time("read") { try x.read(rows: 0..<x.sampleCount, as: Double.self) }
        let result = try clock.time("validation") {
            try ChannelValidation(batchSize: options.batchSize, precision: .float64)(
                values, channels: x.channels, spatialShape: x.spatialShape)
        }
        clock.finish()
        var text = "\(x.argument): \(result.verdict)\n"
        if let report {
            let timings = clock.timings
            try report.write { directory in
                let files = ReportFiles(directory: directory)
                try files.write(ChannelsTable.build([("x", result)]), as: "channels.csv")
                try files.write(SpectrumTable.build(result.batches.enumerated().map { (0, $0.offset, $0.element) }),
                                as: "spectrum.csv")
                try files.write(BatchesTable.build(spectra: result.batches.enumerated().map { (0, $0.offset, $0.element) }),
                                as: "batches.csv")
                var manifest = RunManifest(command: "channels", arguments: arguments, configuration: [
                    "batch_size": .integer(options.batchSize), "layout": .string(options.layout.rawValue),
                    "precision": .string("float64"),
                ])
                manifest.inputs = try FeatureInput.manifestEntries([x])
                manifest.timings = timings
                try files.write(manifest)
            }
            text += "Report: \(report.target.path)\n"
        }
        return text
    }
}
