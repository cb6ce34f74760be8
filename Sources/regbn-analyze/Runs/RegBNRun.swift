import Cluster
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
        // --g-categorical: RegBN regresses f on the labels' one-hot code.
        let g = settings.gCategorical ? try g.oneHot() : g
        let givenEvalG = settings.gCategorical ? try evalG.map { try $0.oneHot() } : evalG
        try InputPair.requireSameSamples(f, g)
        let evalF = evalF ?? f, evalG = givenEvalG ?? g
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

    /// Trains, calling `onStep(step, result, f)` after every step, then runs
    /// inference over the evaluation samples in batches of `batchSize` (the
    /// last may be partial), calling `onInference(rows, f, g, returnedInputs)`
    /// (`returnedInputs`: the batch held NaN and came back unchanged). Returns the
    /// trained driver (running W and statistics).
    ///
    /// Over several ranks (`Ranks`), each rank reads and normalises its own
    /// columns of f (`module.shard`) and the whole g; `f` is then the whole
    /// output gathered on rank 0 (nil elsewhere), or on every rank with
    /// `outputsOnEveryRank`. Training outputs are gathered only when
    /// `gatherTrainingOutputs` (else `f` is nil there). Every rank calls both
    /// callbacks, in the same order.
    func run(progress: Progress, gatherTrainingOutputs: Bool = false, outputsOnEveryRank: Bool = false,
             onStep: (_ step: TrainingStep, _ result: TrainingStepResult<T>, _ f: Matrix<T>?) throws -> Void,
             onInference: (_ rows: Range<Int>, _ f: Matrix<T>?, _ g: Matrix<T>, _ returnedInputs: Bool) throws -> Void)
        throws -> RegBNDriver<T> {
        var driver = try RegBNDriver<T>(configuration: configuration, epochs: schedule.epochs,
                                        stepsPerEpoch: schedule.stepsPerEpoch, firstEpoch: schedule.firstEpoch,
                                        lambdaSchedule: try lambdaSchedule(), communicator: Ranks.communicator)
        let columns = driver.module.shard.columns
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
                return try Ranks.agreeing {
                    (try f.read(indices: rows, columns: columns, as: T.self), try g.read(indices: rows, as: T.self))
                }
            },
            // The gatherer, not the module: a second reference to W would make every update copy it.
            onStep: { [gatherer = driver.module.columnGatherer] index, result in
                let whole = gatherTrainingOutputs ? try Self.wholeF(result.f, with: gatherer, everywhere: outputsOnEveryRank)
                    : (Ranks.count == 1 ? result.f : nil)
                try onStep(current, result, whole)
                progress.update("training", done: index + 1, total: schedule.totalSteps)
            })
        progress.finishLine()
        let total = evalF.sampleCount
        var start = 0
        while start < total {
            let rows = start..<min(total, start + schedule.batchSize)
            let (fBatch, gBatch) = try Ranks.agreeing {
                (try evalF.read(indices: Array(rows), columns: columns, as: T.self), try evalG.read(rows: rows, as: T.self))
            }
            let result = try driver.inference(f: fBatch, g: gBatch)
            try onInference(rows, try Self.wholeF(result.f, with: driver.module.columnGatherer,
                                                  everywhere: outputsOnEveryRank), result.g, result.returnedInputs)
            start = rows.upperBound
            progress.update("inference", done: start, total: total)
        }
        progress.finishLine()
        return driver
    }

    /// A rank's columns of an f output assembled into the whole batch: on rank
    /// 0 (nil elsewhere), or on every rank.
    private static func wholeF(_ block: Matrix<T>, with gatherer: ColumnGatherer, everywhere: Bool) throws -> Matrix<T>? {
        let communicator = gatherer.communicator
        guard communicator.size > 1 else { return block }
        let gathered = try gatherer.gatheredColumns(block)
        guard everywhere else { return gathered }
        var storage = gathered?.storage ?? []
        try communicator.broadcast(&storage, root: 0)
        return Matrix(rows: block.rows, columns: gatherer.plan.totalColumns, storage: storage)
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
