import Diagnostics
import Linalg
import RegBN

/// One training step's spectrum and λ robustness, as batches.csv reports it.
struct BatchRecord {
    let epoch: Int
    let step: Int
    /// λ the step used; NaN after a fallback or for a passed-through NaN batch.
    let lambda: Double
    let lambdaRoot: Double?
    let stability: LambdaStability
    let solverIterations: Int
    let fallback: Bool
    let spectrum: SpectrumSummary

    /// The spectrum's flags, then the λ's (a batch without a spectrum has no λ flags).
    var flagNames: [String] { spectrum.flags.map(\.rawValue) + stability.flags.map(\.rawValue) }

    /// Every flag a record can carry, in report order.
    static let allFlagNames = SpectrumFlag.allCases.map(\.rawValue) + LambdaFlag.allCases.map(\.rawValue)

    /// The normalised g batch's singular values as the method saw them, the
    /// exact root of the same λ objective, and their gap.
    init<T: LinalgScalar>(_ result: TrainingStepResult<T>, step position: TrainingStep, gFeatures: Int,
                          precision: WorkingPrecision) {
        epoch = position.epoch
        step = position.step
        let batchSize = position.rows.count
        fallback = result.fallback
        solverIterations = result.lbfgsIterations
        let used = result.lambda.map { Double($0) } ?? .nan
        lambda = result.fallback ? .nan : used
        if let spectrum = result.spectrum {
            lambdaRoot = RootLambdaSolver.exactRoot(spectrum.objective).lambda
            self.spectrum = SpectrumSummary(singularValues: spectrum.raw.map { Double($0) }, rows: batchSize,
                                            columns: gFeatures, illConditionedThreshold: precision.illConditionedThreshold)
        } else {
            // A batch holding NaN is passed through: no spectrum exists.
            lambdaRoot = nil
            self.spectrum = SpectrumSummary(singularValues: [.nan], rows: batchSize, columns: gFeatures,
                                            illConditionedThreshold: precision.illConditionedThreshold)
        }
        stability = LambdaStability(official: lambda, root: lambdaRoot, fallback: fallback)
    }
}
