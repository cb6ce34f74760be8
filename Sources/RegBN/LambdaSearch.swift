/// One L-BFGS trial of the official search.
public struct LambdaTrial: Sendable, Equatable, Codable {
    /// Initial guess (module dtype, widened).
    public let initialLambda: Double
    /// λ after `LBFGS.step`.
    public let finalLambda: Double
    /// The objective re-evaluated at `finalLambda` (the official `est_err`).
    public let finalLoss: Double
    /// Closure calls inside the step (the fixtures' `trial_n_closure_evals`).
    public let closureEvaluations: Int
    /// L-BFGS iterations run in the step.
    public let iterations: Int
}

/// What a λ search (official L-BFGS or the exact root finder) decided for one step.
public struct LambdaSearchOutcome: Sendable, Equatable, Codable {
    /// λ handed to the projection, in the module dtype (0 on fallback).
    public let lambda: Double
    /// True when no acceptable λ was found and the λ = 0 pseudo-inverse is used.
    public let fallback: Bool
    /// L-BFGS trials in the order they ran (empty for the root solver).
    public let trials: [LambdaTrial]
    /// `median(lambda_set)` behind the initial guesses; nil while the history holds ≤ 3 values.
    public let initialMedian: Float?
    /// Objective evaluations (closure calls + re-evaluations for L-BFGS; residual evaluations for the root solver).
    public let evaluations: Int
    /// Total iterations (L-BFGS iterations over all trials, or root-finder iterations).
    public let iterations: Int
}

/// The official λ search (fixtures README, quirks 1–3 and 5).
///
/// Initial guesses are 10, 100, 1000 while the history holds at most three values,
/// then `c·median(history)` for c = 0.001, 0.01, 0.1, 1, 10 (lower median). Each trial
/// runs only while the previous trial's loss exceeds 0.05. Among trials with
/// 0 < λ < 1e8 the first of least loss wins if that loss is below 0.5; otherwise
/// the search fails and the caller uses λ = 0.
enum OfficialLambdaSearch {
    static let predictionTolerance = 0.05
    static let coefficients: [Double] = [0.001, 0.01, 0.1, 1, 10]

    static func initialGuesses<T: LinalgScalar>(history: LambdaHistory, as _: T.Type) -> (guesses: [T], median: Float?) {
        guard history.count > 3, let median = history.lowerMedian else { return ([10, 100, 1000], nil) }
        // torch: coef * median.item() in Python floats, then ones(1) * value in the default dtype.
        return (coefficients.map { T($0 * Double(median)) }, median)
    }

    static func run<T: LinalgScalar>(_ objective: LambdaObjective<T>, history: LambdaHistory) throws -> LambdaSearchOutcome {
        let (guesses, median) = initialGuesses(history: history, as: T.self)
        let optimizer = TorchLBFGS<T>()
        var trials: [LambdaTrial] = []
        var candidates: [(lambda: T, loss: Double)] = []
        var lastLoss = 100.0
        var evaluations = 0, iterations = 0
        for initial in guesses where abs(lastLoss) > predictionTolerance {
            let result = try optimizer.step(from: initial) { try objective.lossAndGradient($0) }
            let loss = Double(try objective.value(at: result.parameter))
            trials.append(LambdaTrial(initialLambda: Double(initial), finalLambda: Double(result.parameter),
                                      finalLoss: loss, closureEvaluations: result.evaluations,
                                      iterations: result.iterations))
            evaluations += result.evaluations + 1
            iterations += result.iterations
            lastLoss = loss
            if result.parameter > 0 && result.parameter < T(1e8) { candidates.append((result.parameter, loss)) }
        }
        // Python's min(): the FIRST candidate of least loss.
        if let best = candidates.min(by: { $0.loss < $1.loss }), best.loss < 10 * predictionTolerance {
            return LambdaSearchOutcome(lambda: Double(best.lambda), fallback: false, trials: trials,
                                       initialMedian: median, evaluations: evaluations, iterations: iterations)
        }
        return LambdaSearchOutcome(lambda: 0, fallback: true, trials: trials, initialMedian: median,
                                   evaluations: evaluations, iterations: iterations)
    }
}
