/// How the λ of a training step was decided.
public enum LambdaSource: Sendable, Equatable {
    /// Searched with the configured solver.
    case searched(LambdaSearchOutcome)
    /// Injected by the caller (replay); 0 means the λ = 0 fallback.
    case injected
}

/// The singular values of one normalised g batch as the method sees them.
public struct StepSpectrum<T: LinalgScalar>: Sendable, Equatable {
    /// Singular values of the normalised g batch, descending (`k = min(b, Q)`).
    public let raw: [T]
    /// After `s ← where(s > max(s)·sigmaThr, s, sigmaMin)`.
    public let thresholded: [T]

    public init(raw: [T], thresholded: [T]) {
        precondition(raw.count == thresholded.count, "spectra of different lengths")
        self.raw = raw
        self.thresholded = thresholded
    }

    /// The official λ objective for this batch.
    public var objective: LambdaObjective<T> {
        LambdaObjective(singularValues: thresholded, originalSingularValues: raw)
    }
}

/// Everything one training step did (what the audit and the parity tests read).
public struct TrainingStepResult<T: LinalgScalar>: Sendable {
    /// Outputs: training-mode f (from this batch's `W_hat`) and g, both output-normalised
    /// when configured; the inputs themselves when `returnedInputs`.
    public let f: Matrix<T>
    public let g: Matrix<T>
    /// True when the batch held NaN and was returned unchanged without touching any state.
    public let returnedInputs: Bool
    public let epoch: Int
    /// The remaining fields are nil/empty when `returnedInputs`.
    public let lambdaSource: LambdaSource?
    /// λ used for `W_hat` in the module dtype (0 on fallback): the fixtures' `lambda_returned`.
    public let lambda: T?
    /// The float32-rounded value appended to the λ history (`lambda_set_last`).
    public let lambdaAppended: Float?
    public let fallback: Bool
    /// Length of the λ history before this step.
    public let historyCountBefore: Int
    /// `median(lambda_set)` before this step, which seeds the official initial guesses
    /// (nil while the history holds ≤ 3 values): the fixtures' `lambda_init_median`.
    public let historyMedianBefore: Float?
    public let spectrum: StepSpectrum<T>?
    /// Official objective `|h(λ) − 1|` at `lambda` (nil when λ = 0).
    public let objectiveAtLambda: T?
    public let update: RunningProjection<T>.Update?
    /// This batch's ridge solution in factored form (nil when `returnedInputs`).
    let factors: RidgeFactors<T>?
    /// Frobenius norm of the running W after the update.
    public let wFrobeniusAfter: T?

    public var search: LambdaSearchOutcome? {
        if case let .searched(outcome)? = lambdaSource { return outcome }
        return nil
    }
    public var trials: [LambdaTrial] { search?.trials ?? [] }
    /// What the `.root` solver finds on this step's spectrum, whichever solver chose `lambda`
    /// (the audit's `lambda_root` column); O(k) per residual evaluation.
    public var rootSolution: LambdaSearchOutcome? { spectrum.map { RootLambdaSolver.solve($0.objective) } }
    public var lbfgsIterations: Int { search?.iterations ?? 0 }
    /// This batch's ridge solution `W_hat` (Q × P). The step never forms it (the running-W
    /// update multiplies it out tile by tile); asking for it costs O(Q·k·P) flops and Q·P
    /// memory each time, and so do the three summaries below.
    public var wHat: Matrix<T>? { factors?.wHat }
    public var wHatFrobenius: T? { wHat.map(frobeniusNorm) }
    /// Row sums of `W_hat` (Q values, each over P).
    public var wHatRowSums: [T]? { wHat.map(rowSums) }
    /// Column sums of `W_hat` (P values, each over Q).
    public var wHatColumnSums: [T]? { wHat.map(columnSums) }
}

/// Sums of each row, accumulated in Double.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func rowSums<T: LinalgScalar>(_ a: Matrix<T>) -> [T] {
    (0..<a.rows).map { i in T(sum(a.storage, (i * a.columns)..<((i + 1) * a.columns))) }
}

/// Sums of each column, accumulated in Double.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func columnSums<T: LinalgScalar>(_ a: Matrix<T>) -> [T] {
    var sums = [Double](repeating: 0, count: a.columns)
    for i in 0..<a.rows {
        for j in 0..<a.columns { sums[j] += Double(a.storage[i * a.columns + j]) }
    }
    return sums.map { T($0) }
}
