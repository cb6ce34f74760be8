import Diagnostics
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
        let nan = options.allowNaN
        let f = try FeatureInput(role: "f", argument: options.f, layout: layout, allowingNaN: nan)
        let g = try FeatureInput(role: "g", argument: options.g, layout: layout, allowingNaN: nan)
        let evalF = try options.evalF.map { try FeatureInput(role: "eval-f", argument: $0, layout: layout, allowingNaN: nan) }
        let evalG = try options.evalG.map { try FeatureInput(role: "eval-g", argument: $0, layout: layout, allowingNaN: nan) }
        let run = try RegBNRun<T>(settings: options.regbn, f: f, g: g, evalF: evalF, evalG: evalG)
        let available = try AvailableMemory.current()
        let plan = MemoryPlan.normalize(f: f, g: g, settings: options.regbn, available: available)
        if options.dryRun { return try Console.out(plan.dryRunReport) }
        try plan.requireFits()
        // Staged before the work: an existing --out is refused before anything is computed.
        let output = try StagedOutput(path: options.out, kind: .file, force: options.force)
        let writer = try HDF5Writer(filling: try output.prepare(), displayName: options.out)
        let format = NormalizeOutputFormat<T>(writer: writer, element: outputElement, compression: options.compression,
                                              batchSize: options.regbn.batchSize)
        let summary = try write(run, to: writer, format: format)
        try output.commit()
        try Console.out(summary)
    }

    /// `--out-dtype`, or the working precision.
    private var outputElement: WorkingPrecision { options.outDType ?? options.regbn.precision }

    /// Writes and finishes the file; returns the line that reports it.
    private func write<T: FeatureScalar & LinalgScalar>(_ run: RegBNRun<T>, to writer: HDF5Writer,
                                                        format: NormalizeOutputFormat<T>) throws -> String {
        let layout = options.regbn.layout
        let progress = Progress(quiet: options.quiet)

        var steps = StepLog()
        var inferencePassedThrough = 0
        // Written batch by batch (memory stays bounded by one batch, whatever N),
        // in the inputs' own shapes and layout.
        try format.createSamples("/f", shape: run.evalF.fileShape)
        try format.createSamples("/g", shape: run.evalG.fileShape)
        if options.saveTrainingOutputs {
            let trainingRows = run.schedule.epochs * run.schedule.samplesPerEpoch
            try format.createSamples("/train/f", shape: [trainingRows] + run.f.fileShape.dropFirst())
            try format.createSamples("/train/g", shape: [trainingRows] + run.g.fileShape.dropFirst())
        }
        // Over several ranks the outputs of f arrive whole on rank 0 only (nil
        // elsewhere); the other ranks write nothing but the small logs, into a
        // file that is discarded (`StagedOutput`).
        let driver = try run.run(
            progress: progress, gatherTrainingOutputs: options.saveTrainingOutputs,
            onStep: { step, result, f in
                steps.append(step, result)
                guard options.saveTrainingOutputs, let f else { return }
                try format.writeSamples("/train/f", startingAt: step.firstRow, values: f.storage, layout: layout)
                try format.writeSamples("/train/g", startingAt: step.firstRow, values: result.g.storage, layout: layout)
            },
            onInference: { rows, f, g, returnedInputs in
                if returnedInputs { inferencePassedThrough += 1 }
                guard let f else { return }
                try format.writeSamples("/f", startingAt: rows.lowerBound, values: f.storage, layout: layout)
                try format.writeSamples("/g", startingAt: rows.lowerBound, values: g.storage, layout: layout)
            })

        let module = driver.module
        let wShape = [module.projection.rows, module.plan.totalColumns]
        try format.createRows("/W", shape: wShape)
        let block = RegBNMemoryModel.writeBlockElements(rows: wShape[0], columns: wShape[1], ranks: Ranks.count)
        try module.forEachRowBlockOfW(maximumElements: block) { rows, block in
            try format.writeSamples("/W", startingAt: rows.lowerBound, values: block.storage, layout: .nchw)
        }
        try steps.write(to: writer)
        let orders = (0..<run.schedule.epochs).flatMap { run.schedule.order(epoch: $0).map(Int64.init) }
        try writer.write("/order", shape: [run.schedule.epochs, orders.count / run.schedule.epochs], values: orders)
        for (name, state) in [("norm_f", try module.gatheredBatchNormStateF()), ("norm_g", module.normG.batchNormState)] {
            guard let state else { continue }
            try writer.write("/state/\(name)/running_mean", shape: [state.runningMean.count], values: state.runningMean)
            try writer.write("/state/\(name)/running_var", shape: [state.runningVar.count], values: state.runningVar)
            try writer.setAttribute("num_batches_tracked", .int(Int64(state.batchesTracked)), on: "/state/\(name)")
        }
        try writer.setAttribute("config", .string(try configJSON(run)), on: "/")
        try writer.finish()
        return "Wrote \(options.out): /f \(run.evalF.fileShape), /g \(run.evalG.fileShape), /W \(wShape), "
            + "\(steps.count) training steps (\(steps.fallbacks) λ = 0 fallbacks).\n"
            + (steps.passedThrough + inferencePassedThrough == 0 ? "" : "Warning: \(steps.passedThrough) training "
               + "batches and \(inferencePassedThrough) inference batches held NaN and were returned unchanged "
               + "(--allow-nan, as the official module does): their rows in the output are the inputs, and those "
               + "training steps left W and the statistics untouched (λ NaN in /steps/lambda).\n")
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
        object["out_dtype"] = .string(outputElement.rawValue)
        object["compression"] = .string(options.compression.description)
        object["allow_nan"] = .bool(options.allowNaN)
        return try JSONText.encode(.object(object))
    }
}
