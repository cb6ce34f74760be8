import Cluster

/// Emulates the official training protocol over caller-supplied batches:
/// `E` epochs of `stepsPerEpoch` training forwards (`n_epoch = firstEpoch + e`,
/// `steps_per_epoch = stepsPerEpoch`), then inference forwards with the running W.
///
/// Batches may differ in size (the official example's loader keeps the last,
/// partial batch of each epoch); `firstEpoch` is 1 for a loop written
/// `for epoch in range(1, epochs + 1)`, as in the official example, and enters the
/// bias correction `1 − β^(n_epoch+1)` of the running-W blend.
///
/// The driver never holds the data set: batches come from closures (the CLI streams
/// them from HDF5) and results go to callbacks, so memory stays bounded by one
/// batch and W.
public struct RegBNDriver<T: LinalgScalar>: Sendable {
    public private(set) var module: RegBNModule<T>
    public let epochs: Int
    public let stepsPerEpoch: Int
    /// `n_epoch` passed at the first epoch; later epochs count up from it.
    public let firstEpoch: Int
    /// Replay: one λ per training step in order (0 = λ = 0 fallback); nil = search.
    public let lambdaSchedule: [Double]?

    /// - Parameter communicator: the ranks f's columns are spread over (one by default);
    ///   `batch` then returns this rank's columns of f (`module.shard`) and the whole g.
    public init(configuration: RegBNConfiguration, epochs: Int, stepsPerEpoch: Int, firstEpoch: Int = 0,
                lambdaSchedule: [Double]? = nil, communicator: any Communicator = SingleProcess()) throws {
        guard epochs >= 1, stepsPerEpoch >= 1 else {
            throw RegBNError.invalidConfiguration("need at least one epoch and one step per epoch (got \(epochs), \(stepsPerEpoch))")
        }
        guard firstEpoch >= 0 else {
            throw RegBNError.invalidConfiguration("the first epoch number must be ≥ 0 (got \(firstEpoch))")
        }
        if let lambdaSchedule, lambdaSchedule.count != epochs * stepsPerEpoch {
            throw RegBNError.invalidLambdaSchedule(
                "\(lambdaSchedule.count) λ's given for \(epochs) epochs × \(stepsPerEpoch) steps = \(epochs * stepsPerEpoch) training steps")
        }
        module = try RegBNModule(configuration: configuration, communicator: communicator)
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.firstEpoch = firstEpoch
        self.lambdaSchedule = lambdaSchedule
    }

    public var totalSteps: Int { epochs * stepsPerEpoch }

    /// Runs every training step. `batch(epoch, step)` returns that step's (f, g),
    /// `epoch` counting from 0 whatever `firstEpoch` is; `onStep(index, result)`
    /// receives each result (index = epoch·stepsPerEpoch + step).
    public mutating func train(
        batch: (_ epoch: Int, _ step: Int) throws -> (f: Matrix<T>, g: Matrix<T>),
        onStep: (_ index: Int, _ result: TrainingStepResult<T>) throws -> Void
    ) throws {
        for epoch in 0..<epochs {
            for step in 0..<stepsPerEpoch {
                let index = epoch * stepsPerEpoch + step
                let (f, g) = try batch(epoch, step)
                let choice: LambdaChoice = lambdaSchedule.map { .given($0[index]) } ?? .search
                let result = try module.trainingStep(f: f, g: g, epoch: firstEpoch + epoch, stepsPerEpoch: stepsPerEpoch,
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
