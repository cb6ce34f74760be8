import Foundation
import HDF5IO
import Linalg
import RegBN

/// `normalize`: RegBN over an HDF5 pair, outputs back to HDF5 so users can
/// return to Python with the normalised features, W and the λ history.
struct NormalizeCommand {
    let options: NormalizeOptions
    let arguments: [String]

    func run() throws {
        switch options.regbn.precision {
        case .float32: try run(as: Float.self)
        case .float64: try run(as: Double.self)
        }
    }

    private func run<T: FeatureScalar & LinalgScalar>(as: T.Type) throws {
        let layout = options.regbn.layout
        let f = try FeatureInput(role: "f", argument: options.f, layout: layout)
        let g = try FeatureInput(role: "g", argument: options.g, layout: layout)
        let evalF = try options.evalF.map { try FeatureInput(role: "eval-f", argument: $0, layout: layout) }
        let evalG = try options.evalG.map { try FeatureInput(role: "eval-g", argument: $0, layout: layout) }
        let run = try RegBNRun<T>(settings: options.regbn, f: f, g: g, evalF: evalF, evalG: evalG)
        // Created first: an existing --out is refused before any work is done.
        let writer = try HDF5Writer(creating: options.out, overwrite: options.force)
        try Interruption.staging(writer.temporaryPath) { try write(run, to: writer) }
    }

    private func write<T: FeatureScalar & LinalgScalar>(_ run: RegBNRun<T>, to writer: HDF5Writer) throws {
        let layout = options.regbn.layout
        let progress = Progress(quiet: options.quiet)

        var steps = StepLog()
        // Written batch by batch (memory stays bounded by one batch, whatever N),
        // in the inputs' own shapes and layout.
        try writer.createDataset("/f", shape: run.evalF.fileShape, of: T.self)
        try writer.createDataset("/g", shape: run.evalG.fileShape, of: T.self)
        let driver = try run.run(
            progress: progress,
            onStep: { _, _, result in steps.append(result) },
            onInference: { rows, result in
                try writer.writeSamples("/f", startingAt: rows.lowerBound, values: result.f.storage, layout: layout)
                try writer.writeSamples("/g", startingAt: rows.lowerBound, values: result.g.storage, layout: layout)
            })

        let w = driver.module.projection.w
        try writer.write("/W", shape: [w.rows, w.columns], values: w.storage)
        try steps.write(to: writer)
        for (name, normalizer) in [("norm_f", driver.module.normF), ("norm_g", driver.module.normG)] {
            guard let state = normalizer.batchNormState else { continue }
            try writer.write("/state/\(name)/running_mean", shape: [state.runningMean.count], values: state.runningMean)
            try writer.write("/state/\(name)/running_var", shape: [state.runningVar.count], values: state.runningVar)
            try writer.setAttribute("num_batches_tracked", .int(Int64(state.batchesTracked)), on: "/state/\(name)")
        }
        try writer.setAttribute("config", .string(try configJSON(run)), on: "/")
        try writer.commit()
        if !options.quiet {
            Console.out("Wrote \(options.out): /f \(run.evalF.fileShape), /g \(run.evalG.fileShape), /W [\(w.rows), \(w.columns)], "
                          + "\(steps.count) training steps (\(steps.fallbacks) λ = 0 fallbacks).\n")
        }
    }

    private func configJSON<T>(_ run: RegBNRun<T>) throws -> String {
        let configuration = run.configuration
        var object = options.regbn.json
        object["tool"] = .object(["name": .string(HelpText.toolName), "version": .string(ToolVersion.current)])
        object["arguments"] = .array(arguments.map(JSONValue.string))
        object["inputs"] = .object([
            "f": .string(run.f.argument.description), "g": .string(run.g.argument.description),
            "eval_f": .string(run.evalF.argument.description), "eval_g": .string(run.evalG.argument.description),
        ])
        object["input_normalization"] = .object([
            "f": .string(configuration.fInputNormalization.torchName),
            "g": .string(configuration.gInputNormalization.torchName),
        ])
        object["steps_per_epoch"] = .integer(run.schedule.stepsPerEpoch)
        object["samples_dropped_per_epoch"] = .integer(run.schedule.droppedPerEpoch)
        object["outputs_layout"] = .string(options.regbn.layout.rawValue)
        return try JSONText.encode(.object(object))
    }
}
