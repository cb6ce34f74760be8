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
        // Staged first: an existing --out is refused before any work is done.
        let output = try StagedOutput(path: options.out, kind: .file, force: options.force)
        let writer = try HDF5Writer(filling: try output.prepare(), displayName: options.out)
        let summary = try write(run, to: writer)
        try output.commit()
        if !options.quiet { try Console.out(summary) }
    }

    /// Writes and finishes the file; returns the line that reports it.
    private func write<T: FeatureScalar & LinalgScalar>(_ run: RegBNRun<T>, to writer: HDF5Writer) throws -> String {
        let layout = options.regbn.layout
        let progress = Progress(quiet: options.quiet)

        var steps = StepLog()
        // Written batch by batch (memory stays bounded by one batch, whatever N),
        // in the inputs' own shapes and layout.
        try writer.createDataset("/f", shape: run.evalF.fileShape, of: T.self)
        try writer.createDataset("/g", shape: run.evalG.fileShape, of: T.self)
        if options.saveTrainingOutputs {
            let trainingRows = run.schedule.epochs * run.schedule.samplesPerEpoch
            try writer.createDataset("/train/f", shape: [trainingRows] + run.f.fileShape.dropFirst(), of: T.self)
            try writer.createDataset("/train/g", shape: [trainingRows] + run.g.fileShape.dropFirst(), of: T.self)
        }
        let driver = try run.run(
            progress: progress,
            onStep: { step, result in
                steps.append(step, result)
                guard options.saveTrainingOutputs else { return }
                try writer.writeSamples("/train/f", startingAt: step.firstRow, values: result.f.storage, layout: layout)
                try writer.writeSamples("/train/g", startingAt: step.firstRow, values: result.g.storage, layout: layout)
            },
            onInference: { rows, result in
                try writer.writeSamples("/f", startingAt: rows.lowerBound, values: result.f.storage, layout: layout)
                try writer.writeSamples("/g", startingAt: rows.lowerBound, values: result.g.storage, layout: layout)
            })

        let w = driver.module.projection.w
        try writer.write("/W", shape: [w.rows, w.columns], values: w.storage)
        try steps.write(to: writer)
        let orders = (0..<run.schedule.epochs).flatMap { run.schedule.order(epoch: $0).map(Int64.init) }
        try writer.write("/order", shape: [run.schedule.epochs, orders.count / run.schedule.epochs], values: orders)
        for (name, normalizer) in [("norm_f", driver.module.normF), ("norm_g", driver.module.normG)] {
            guard let state = normalizer.batchNormState else { continue }
            try writer.write("/state/\(name)/running_mean", shape: [state.runningMean.count], values: state.runningMean)
            try writer.write("/state/\(name)/running_var", shape: [state.runningVar.count], values: state.runningVar)
            try writer.setAttribute("num_batches_tracked", .int(Int64(state.batchesTracked)), on: "/state/\(name)")
        }
        try writer.setAttribute("config", .string(try configJSON(run)), on: "/")
        try writer.finish()
        return "Wrote \(options.out): /f \(run.evalF.fileShape), /g \(run.evalG.fileShape), /W [\(w.rows), \(w.columns)], "
            + "\(steps.count) training steps (\(steps.fallbacks) λ = 0 fallbacks).\n"
    }

    private var orderSource: String {
        if let order = options.regbn.order { return "--order \(order)" }
        if let seed = options.regbn.shuffleSeed { return "--shuffle \(seed)" }
        return "file order"
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
        object["order_source"] = .string(orderSource)
        object["outputs_layout"] = .string(options.regbn.layout.rawValue)
        return try JSONText.encode(.object(object))
    }
}
