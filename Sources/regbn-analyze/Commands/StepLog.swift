import HDF5IO
import RegBN
import Linalg

/// The per-step record `normalize` writes under /steps.
struct StepLog {
    private(set) var epoch: [Int64] = []
    private(set) var lambda: [Double] = []
    private(set) var fallback: [Int64] = []
    private(set) var iterations: [Int64] = []

    var count: Int { epoch.count }
    var fallbacks: Int { fallback.filter { $0 != 0 }.count }

    /// λ is NaN for a batch that held NaN and was passed through unchanged.
    mutating func append<T>(_ result: TrainingStepResult<T>) {
        epoch.append(Int64(result.epoch))
        lambda.append(result.lambda.map { Double($0) } ?? .nan)
        fallback.append(result.fallback ? 1 : 0)
        iterations.append(Int64(result.lbfgsIterations))
    }

    func write(to writer: HDF5Writer) throws {
        try writer.write("/steps/epoch", shape: [count], values: epoch)
        try writer.write("/steps/lambda", shape: [count], values: lambda)
        try writer.write("/steps/fallback", shape: [count], values: fallback)
        try writer.write("/steps/iterations", shape: [count], values: iterations)
    }
}
