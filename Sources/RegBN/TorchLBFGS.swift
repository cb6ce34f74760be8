/// One `torch.optim.LBFGS.step` on a scalar parameter, with the settings the
/// official call really uses (fixtures README, quirk 1): lr 1, max_iter 20,
/// max_eval 25, tolerance_grad 1e-7, tolerance_change 1e-9, history 100 and no
/// line search. Every tensor quantity is kept in the module dtype `T`; the loss
/// crosses into Double exactly where torch calls `float(closure())`.
struct TorchLBFGS<T: LinalgScalar> {
    let learningRate: T = 1
    let maxIterations = 20
    let maxEvaluations = 25
    let toleranceGrad = T(1e-7)
    let toleranceChange = 1e-9
    let historySize = 100

    struct Outcome {
        var parameter: T
        /// Closure calls inside the step (1 initial + one per iteration but the 20th).
        var evaluations: Int
        /// Iterations of the main loop that ran (0 when the initial gradient is already tiny).
        var iterations: Int
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func step(from initial: T, _ closure: (T) throws -> (loss: T, gradient: T)) rethrows -> Outcome {
        var x = initial
        var (lossT, grad) = try closure(x)
        var loss = Double(lossT)
        var evaluations = 1
        if abs(grad) <= toleranceGrad { return Outcome(parameter: x, evaluations: 1, iterations: 0) }

        var d: T = 0, t: T = 0
        var previousGrad: T = 0, previousLoss = loss
        // At most one history entry per iteration: with room for maxIterations the loop
        // allocates nothing (the search runs up to five L-BFGS steps per training step).
        var oldDirs: [T] = [], oldSteps: [T] = [], ro: [T] = [], al: [T] = []
        oldDirs.reserveCapacity(maxIterations)
        oldSteps.reserveCapacity(maxIterations)
        ro.reserveCapacity(maxIterations)
        al.reserveCapacity(maxIterations)
        var hDiag: T = 1
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            if iteration == 1 {
                d = -grad
                hDiag = 1
            } else {
                let y = grad - previousGrad
                let s = d * t
                let ys = y * s
                if ys > T(1e-10) {
                    if oldDirs.count == historySize {
                        oldDirs.removeFirst(); oldSteps.removeFirst(); ro.removeFirst()
                    }
                    oldDirs.append(y)
                    oldSteps.append(s)
                    ro.append(1 / ys)
                    hDiag = ys / (y * y)
                }
                // Two-loop recursion, in torch's order.
                var q = -grad
                al.removeAll(keepingCapacity: true)
                al.append(contentsOf: repeatElement(0, count: oldDirs.count))
                for i in stride(from: oldDirs.count - 1, through: 0, by: -1) {
                    al[i] = oldSteps[i] * q * ro[i]
                    q = q + (-al[i]) * oldDirs[i]
                }
                var r = q * hDiag
                for i in oldDirs.indices {
                    let be = oldDirs[i] * r * ro[i]
                    r = r + (al[i] - be) * oldSteps[i]
                }
                d = r
            }
            previousGrad = grad
            previousLoss = loss

            // First step min(1, 1/Σ|g|)·lr, then lr.
            if iteration == 1 {
                let inverse = 1 / abs(grad)
                t = (inverse < 1 ? inverse : 1) * learningRate
            } else {
                t = learningRate
            }
            let gtd = grad * d
            if gtd > -T(toleranceChange) { break }

            x = x + t * d
            var optimal = false
            if iteration != maxIterations {
                (lossT, grad) = try closure(x)
                loss = Double(lossT)
                evaluations += 1
                optimal = abs(grad) <= toleranceGrad
            }
            if iteration == maxIterations { break }
            if evaluations >= maxEvaluations { break }
            if optimal { break }
            if abs(d * t) <= T(toleranceChange) { break }
            if abs(loss - previousLoss) < toleranceChange { break }
        }
        return Outcome(parameter: x, evaluations: evaluations, iterations: iteration)
    }
}
