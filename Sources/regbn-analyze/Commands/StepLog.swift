import HDF5IO
import RegBN
import Linalg

/// The per-step record `normalize` writes under /steps: everything a replay
/// needs (λ, fallback, `n_epoch` passed, batch size) plus the solver's effort.
struct StepLog {
    private(set) var epoch: [Int64] = []
    private(set) var epochArgument: [Int64] = []
    private(set) var batchSize: [Int64] = []
    private(set) var lambda: [Double] = []
    private(set) var fallback: [Int64] = []
    private(set) var iterations: [Int64] = []

    var count: Int { epoch.count }
    var fallbacks: Int { fallback.filter { $0 != 0 }.count }
    /// Batches that held NaN and were returned unchanged (`--allow-nan`).
    private(set) var passedThrough = 0

    /// λ is NaN for a batch that held NaN and was passed through unchanged.
    mutating func append<T>(_ step: TrainingStep, _ result: TrainingStepResult<T>) {
        epoch.append(Int64(step.epoch))
        epochArgument.append(Int64(step.epochArgument))
        batchSize.append(Int64(step.rows.count))
        lambda.append(result.lambda.map { Double($0) } ?? .nan)
        fallback.append(result.fallback ? 1 : 0)
        iterations.append(Int64(result.lbfgsIterations))
        if result.returnedInputs { passedThrough += 1 }
    }

    func write(to writer: HDF5Writer) throws {
        try writer.write("/steps/epoch", shape: [count], values: epoch)
        try writer.write("/steps/epoch_arg", shape: [count], values: epochArgument)
        try writer.write("/steps/batch_size", shape: [count], values: batchSize)
        try writer.write("/steps/lambda", shape: [count], values: lambda)
        try writer.write("/steps/fallback", shape: [count], values: fallback)
        try writer.write("/steps/iterations", shape: [count], values: iterations)
    }
}
