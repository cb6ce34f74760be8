/// Emulates the official training protocol over caller-supplied batches:
/// `E` epochs of `stepsPerEpoch` training forwards (`n_epoch = e`,
/// `steps_per_epoch = stepsPerEpoch`), then inference forwards with the running W.
///
/// The driver never holds the data set: batches come from closures (the CLI streams
/// them from HDF5) and results go to callbacks, so memory stays bounded by one
/// batch and W.
public struct RegBNDriver<T: LinalgScalar>: Sendable {
    public private(set) var module: RegBNModule<T>
    public let epochs: Int
    public let stepsPerEpoch: Int
    /// Replay: one λ per training step in order (0 = λ = 0 fallback); nil = search.
    public let lambdaSchedule: [Double]?

    public init(configuration: RegBNConfiguration, epochs: Int, stepsPerEpoch: Int,
                lambdaSchedule: [Double]? = nil) throws {
        guard epochs >= 1, stepsPerEpoch >= 1 else {
            throw RegBNError.invalidConfiguration("need at least one epoch and one step per epoch (got \(epochs), \(stepsPerEpoch))")
        }
        if let lambdaSchedule, lambdaSchedule.count != epochs * stepsPerEpoch {
            throw RegBNError.invalidLambdaSchedule(
                "\(lambdaSchedule.count) λ's given for \(epochs) epochs × \(stepsPerEpoch) steps = \(epochs * stepsPerEpoch) training steps")
        }
        module = try RegBNModule(configuration: configuration)
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.lambdaSchedule = lambdaSchedule
    }

    public var totalSteps: Int { epochs * stepsPerEpoch }

    /// Runs every training step. `batch(epoch, step)` returns that step's (f, g);
    /// `onStep(index, result)` receives each result (index = epoch·stepsPerEpoch + step).
    public mutating func train(
        batch: (_ epoch: Int, _ step: Int) throws -> (f: Matrix<T>, g: Matrix<T>),
        onStep: (_ index: Int, _ result: TrainingStepResult<T>) throws -> Void
    ) throws {
        for epoch in 0..<epochs {
            for step in 0..<stepsPerEpoch {
                let index = epoch * stepsPerEpoch + step
                let (f, g) = try batch(epoch, step)
                let choice: LambdaChoice = lambdaSchedule.map { .given($0[index]) } ?? .search
                let result = try module.trainingStep(f: f, g: g, epoch: epoch, stepsPerEpoch: stepsPerEpoch,
                                                     lambda: choice)
                try onStep(index, result)
            }
        }
    }

    /// One inference forward with the running W (call after `train`).
    public func inference(f: Matrix<T>, g: Matrix<T>) throws -> InferenceResult<T> {
        try module.inference(f: f, g: g)
    }
}
