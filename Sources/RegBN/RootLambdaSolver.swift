import Foundation

/// The `.root` solver: `h(λ) = 1` solved exactly in `x = ln λ` (a deviation from the
/// official code, offered as a named option).
///
/// `h` decreases strictly for λ > 0, so the root is unique when it exists. The
/// iteration keeps a bracket `[a, b]` with `h(eᵃ) > 1 > h(eᵇ)` and takes Newton
/// steps in x (`dφ/dx = λ·h′(λ)`), falling back to bisection whenever a step leaves
/// the bracket or fails to halve it. What changes compared with `.lbfgs`: the λ
/// found is the exact root (objective ≈ 0 instead of up to 0.5), independent of
/// the λ history and of round-off in the search; when no root lies in (0, 1e8)
/// the step uses the λ = 0 pseudo-inverse, as a failed official search does.
public enum RootLambdaSolver {
    /// Upper end of the official candidate window (0 < λ < 1e8).
    public static let upperLimit = 1e8

    /// Solves `h(λ) = 1`; `lambda` is rounded to the module dtype.
    public static func solve<T: LinalgScalar>(_ objective: LambdaObjective<T>) -> LambdaSearchOutcome {
        let (root, evaluations, iterations) = exactRoot(objective)
        guard let root, T(root) > 0, T(root) < T(upperLimit) else {
            return LambdaSearchOutcome(lambda: 0, fallback: true, trials: [], initialMedian: nil,
                                       evaluations: evaluations, iterations: iterations)
        }
        return LambdaSearchOutcome(lambda: Double(T(root)), fallback: false, trials: [], initialMedian: nil,
                                   evaluations: evaluations, iterations: iterations)
    }

    /// The root in Double (nil when none lies in the window), with the work done.
    public static func exactRoot<T: LinalgScalar>(_ objective: LambdaObjective<T>)
        -> (lambda: Double?, evaluations: Int, iterations: Int) {
        let sMax = objective.singularValues.map { Double($0) }.max() ?? 0
        guard sMax > 0 else { return (nil, 0, 0) }
        var evaluations = 0
        func phi(_ x: Double) -> (value: Double, slope: Double) {
            evaluations += 1
            let lambda = exp(x)
            let r = objective.residual(at: lambda)
            return (r.value, r.derivative * lambda)
        }
        // Below λ = 1e-16·s_max² the regulariser is lost in s² + λ.
        var a = log(sMax * sMax * 1e-16), b = log(upperLimit)
        let atA = phi(a), atB = phi(b)
        guard atA.value > 0, atB.value < 0 else { return (nil, evaluations, 0) }

        // rtsafe: Newton while it stays in the bracket and converges at least as fast
        // as bisection would, bisection otherwise.
        var x = 0.5 * (a + b)
        var current = phi(x)
        var step = b - a, previousStep = step
        var iterations = 0
        while iterations < 200, current.value != 0 {
            iterations += 1
            if current.value > 0 { a = x } else { b = x }
            let newton = current.slope < 0 ? x - current.value / current.slope : .nan
            if newton > a, newton < b, abs(2 * current.value) < abs(previousStep * current.slope) {
                previousStep = step
                step = newton - x
                x = newton
            } else {
                previousStep = step
                step = 0.5 * (b - a)
                x = a + step
            }
            if abs(step) <= 2 * Double.ulpOfOne * max(1, abs(x)) { break }
            current = phi(x)
        }
        return (exp(x), evaluations, iterations)
    }
}
