import HDF5IO
import Linalg
import RegBN

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
        schedule = try TrainingSchedule(sampleCount: f.sampleCount, batchSize: settings.batchSize,
                                        epochs: settings.epochs, shuffleSeed: settings.shuffleSeed)
    }

    var configuration: RegBNConfiguration { settings.configuration(f: f, g: g) }

    /// Trains, calling `onStep(index, rows, result)` after every step, then
    /// runs inference over the evaluation samples in batches of `batchSize`
    /// (the last may be partial), calling `onInference(rows, result)`.
    /// Returns the trained driver (running W and statistics).
    func run(progress: Progress,
             onStep: (_ index: Int, _ rows: [Int], _ result: TrainingStepResult<T>) throws -> Void,
             onInference: (_ rows: Range<Int>, _ result: InferenceResult<T>) throws -> Void) throws -> RegBNDriver<T> {
        var driver = try RegBNDriver<T>(configuration: configuration, epochs: schedule.epochs,
                                        stepsPerEpoch: schedule.stepsPerEpoch, lambdaSchedule: try lambdaSchedule())
        var order: [Int] = []
        var orderEpoch = -1
        var stepRows: [Int] = []
        try driver.train(
            batch: { epoch, step in
                if epoch != orderEpoch {
                    order = schedule.order(epoch: epoch)
                    orderEpoch = epoch
                }
                stepRows = TrainingSchedule.rows(of: order, step: step, batchSize: schedule.batchSize)
                return (try f.read(indices: stepRows, as: T.self), try g.read(indices: stepRows, as: T.self))
            },
            onStep: { index, result in
                try onStep(index, stepRows, result)
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
        let values = try HDF5File.open(location.file).readArray(location.path, as: Double.self).storage
        guard values.count == schedule.totalSteps else {
            throw InputError("--lambda-from \(location) holds \(values.count) values, but the run has "
                             + "\(schedule.epochs) epochs × \(schedule.stepsPerEpoch) steps = \(schedule.totalSteps) "
                             + "training steps (one λ per step, 0 for the λ = 0 fallback).")
        }
        return values
    }
}
