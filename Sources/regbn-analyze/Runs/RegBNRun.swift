import HDF5IO
import Linalg
import RegBN

/// Where one training step sits in the schedule and which samples it saw.
struct TrainingStep: Sendable {
    /// Position among all steps, 0-based.
    let index: Int
    /// Epoch and step within it, 0-based.
    let epoch: Int
    let step: Int
    /// `n_epoch` passed to the module (`firstEpoch + epoch`).
    let epochArgument: Int
    /// Rows of the training outputs written before this step (its offset in /train/f).
    let firstRow: Int
    /// Sample indices of the batch, in batch order.
    let rows: [Int]
}

/// One emulated training run plus the inference pass, streamed from HDF5:
/// only the current batch and the module's state (W, statistics) are held.
struct RegBNRun<T: FeatureScalar & LinalgScalar> {
    let settings: RegBNSettings
    let f: FeatureInput
    let g: FeatureInput
    let evalF: FeatureInput
    let evalG: FeatureInput
    let schedule: TrainingSchedule

    init(settings: RegBNSettings, f: FeatureInput, g: FeatureInput,
         evalF: FeatureInput? = nil, evalG: FeatureInput? = nil) throws {
        try InputPair.requireSameSamples(f, g)
        let evalF = evalF ?? f, evalG = evalG ?? g
        try InputPair.requireSameSamples(evalF, evalG)
        try InputPair.requireSameSampleShape(evalF, as: f)
        try InputPair.requireSameSampleShape(evalG, as: g)
        self.settings = settings
        self.f = f
        self.g = g
        self.evalF = evalF
        self.evalG = evalG
        let plain = try TrainingSchedule(sampleCount: f.sampleCount, batchSize: settings.batchSize,
                                         epochs: settings.epochs, firstEpoch: settings.firstEpoch,
                                         keepLastBatch: settings.keepLastBatch,
                                         order: settings.shuffleSeed.map { .shuffled(seed: $0) } ?? .fileOrder)
        schedule = try settings.order.map { location in
            let log = try FeatureInput(role: "order", argument: location, layout: .nchw)
            let epochs = try LoggedOrder.epochs(values: try log.readAllIntegers(), shape: log.fileShape,
                                                argument: "--order \(location)", schedule: plain)
            return try TrainingSchedule(sampleCount: plain.sampleCount, batchSize: plain.batchSize, epochs: plain.epochs,
                                        firstEpoch: plain.firstEpoch, keepLastBatch: plain.keepLastBatch,
                                        order: .logged(epochs))
        } ?? plain
    }

    var configuration: RegBNConfiguration { settings.configuration(f: f, g: g) }

    /// Trains, calling `onStep(step, result)` after every step, then
    /// runs inference over the evaluation samples in batches of `batchSize`
    /// (the last may be partial), calling `onInference(rows, result)`.
    /// Returns the trained driver (running W and statistics).
    func run(progress: Progress,
             onStep: (_ step: TrainingStep, _ result: TrainingStepResult<T>) throws -> Void,
             onInference: (_ rows: Range<Int>, _ result: InferenceResult<T>) throws -> Void) throws -> RegBNDriver<T> {
        var driver = try RegBNDriver<T>(configuration: configuration, epochs: schedule.epochs,
                                        stepsPerEpoch: schedule.stepsPerEpoch, firstEpoch: schedule.firstEpoch,
                                        lambdaSchedule: try lambdaSchedule())
        var order: [Int] = []
        var orderEpoch = -1
        var current = TrainingStep(index: 0, epoch: 0, step: 0, epochArgument: 0, firstRow: 0, rows: [])
        var rowsDone = 0
        try driver.train(
            batch: { epoch, step in
                if epoch != orderEpoch {
                    order = schedule.order(epoch: epoch)
                    orderEpoch = epoch
                }
                let rows = Array(schedule.rows(of: order, step: step))
                current = TrainingStep(index: epoch * schedule.stepsPerEpoch + step, epoch: epoch, step: step,
                                       epochArgument: schedule.epochArgument(epoch), firstRow: rowsDone, rows: rows)
                rowsDone += rows.count
                return (try f.read(indices: rows, as: T.self), try g.read(indices: rows, as: T.self))
            },
            onStep: { index, result in
                try onStep(current, result)
                progress.update("training", done: index + 1, total: schedule.totalSteps)
            })
        progress.finishLine()
        let total = evalF.sampleCount
        var start = 0
        while start < total {
            let rows = start..<min(total, start + schedule.batchSize)
            let result = try driver.inference(f: try evalF.read(rows: rows, as: T.self),
                                              g: try evalG.read(rows: rows, as: T.self))
            try onInference(rows, result)
            start = rows.upperBound
            progress.update("inference", done: start, total: total)
        }
        progress.finishLine()
        return driver
    }

    /// `--lambda-from`: one λ per training step, read as float64.
    private func lambdaSchedule() throws -> [Double]? {
        guard let location = settings.lambdaFrom else { return nil }
        let log = try FeatureInput(role: "lambda-from", argument: location, layout: .nchw)
        let values = try log.read(rows: 0..<log.sampleCount, as: Double.self).storage
        guard values.count == schedule.totalSteps else {
            throw InputError("--lambda-from \(location) holds \(values.count) values, but the run has "
                             + "\(schedule.epochs) epochs × \(schedule.stepsPerEpoch) steps = \(schedule.totalSteps) "
                             + "training steps (one λ per step, 0 for the λ = 0 fallback)."
                             + Self.agreeingFlags(logged: values.count, schedule: schedule))
        }
        return values
    }

    /// Flags that would make a log of `logged` steps match the schedule, if any.
    static func agreeingFlags(logged: Int, schedule: TrainingSchedule) -> String {
        var hints: [String] = []
        let toggled = try? TrainingSchedule(sampleCount: schedule.sampleCount, batchSize: schedule.batchSize,
                                            epochs: schedule.epochs, keepLastBatch: !schedule.keepLastBatch)
        if let toggled, toggled.totalSteps == logged {
            hints.append(schedule.keepLastBatch
                ? "without --keep-last-batch (\(toggled.stepsPerEpoch) steps per epoch) the run has \(logged) steps"
                : "with --keep-last-batch (ceil(\(schedule.sampleCount)/\(schedule.batchSize)) = "
                    + "\(toggled.stepsPerEpoch) steps per epoch, as DataLoader(drop_last=False)) the run has \(logged) steps")
        }
        for candidate in [schedule, toggled].compactMap({ $0 }) where logged % candidate.stepsPerEpoch == 0 {
            let epochs = logged / candidate.stepsPerEpoch
            guard epochs != schedule.epochs else { continue }
            hints.append("--epochs \(epochs)" + (candidate.keepLastBatch == schedule.keepLastBatch ? ""
                : (candidate.keepLastBatch ? " with --keep-last-batch" : " without --keep-last-batch"))
                + " gives \(logged) steps")
        }
        return hints.isEmpty ? " Check --batch-size, --epochs and --keep-last-batch against the logged run."
            : " Did you mean: " + hints.joined(separator: "; ") + "?"
    }
}
