import Testing
@testable import RegBN

private let spectrum = LambdaObjective<Double>(singularValues: [17.4, 9.2, 8.6, 5.1, 2.3, 1e-7],
                                               originalSingularValues: [17.4, 9.2, 8.6, 5.1, 2.3, 1e-7])

@Test func objectiveDerivativeMatchesFiniteDifferences() throws {
    for lambda in [0.5, 12.0, 150.0, 4000.0] {
        let (_, dh) = try spectrum.hAndDerivative(lambda)
        let step = lambda * 1e-6
        let numeric = (try spectrum.hAndDerivative(lambda + step).h - spectrum.hAndDerivative(lambda - step).h) / (2 * step)
        #expect(abs(dh - numeric) <= 1e-6 * abs(numeric))
        // The loss gradient carries the sign of h − 1 (|h − 1| is the official loss).
        let (loss, gradient) = try spectrum.lossAndGradient(lambda)
        let h = try spectrum.hAndDerivative(lambda).h
        #expect(loss == abs(h - 1))
        #expect(gradient == (h > 1 ? dh : -dh))
    }
}

@Test func objectiveUsesThresholdedAndOriginalSingularValues() throws {
    // Quirk 2: entry i is (s_thr·s_orig / (s_thr² + λ))².
    let objective = LambdaObjective<Double>(singularValues: [2, 0.5], originalSingularValues: [2, 0.03])
    let lambda = 3.0
    let a0: Double = 2 * 2 / (4 + lambda)
    let a1: Double = 0.5 * 0.03 / (0.25 + lambda)
    let expected = a0 * a0 + a1 * a1
    #expect(abs(try objective.value(at: lambda) - abs(expected - 1)) < 1e-15)
}

@Test func zeroRegularisedSpectrumThrowsLikeTorchInv() {
    let objective = LambdaObjective<Float>(singularValues: [3, 0], originalSingularValues: [3, 0])
    #expect(throws: RegBNError.singularRegularisedSpectrum(lambda: 0)) { try objective.value(at: 0) }
}

@Test(arguments: [LambdaObjective<Double>(singularValues: [17.4, 9.2, 8.6, 5.1, 2.3, 1e-7], originalSingularValues: [17.4, 9.2, 8.6, 5.1, 2.3, 1e-7]),
                  LambdaObjective<Double>(singularValues: [154, 124, 81, 0.5, 0.5], originalSingularValues: [154, 124, 81, 0.03, 0.02])])
func rootSolverSolvesTheObjectiveExactly(objective: LambdaObjective<Double>) throws {
    let outcome = RootLambdaSolver.solve(objective)
    #expect(!outcome.fallback)
    #expect(outcome.lambda > 0 && outcome.lambda < 1e8)
    #expect(try objective.value(at: outcome.lambda) <= 1e-12)
}

@Test func rootSolverFallsBackWhenNoRootExists() {
    // h(0⁺) = 0.5² + … < 1: no λ > 0 reaches h = 1.
    let objective = LambdaObjective<Double>(singularValues: [1, 1], originalSingularValues: [0.5, 0.5])
    let outcome = RootLambdaSolver.solve(objective)
    #expect(outcome.fallback && outcome.lambda == 0)
}

@Test func lbfgsStepRespectsTorchEvaluationLimits() throws {
    // A smooth convex scalar problem: LBFGS reaches the minimiser within one step.
    var calls = 0
    let outcome = TorchLBFGS<Double>().step(from: 10) { x in
        calls += 1
        return ((x - 3) * (x - 3), 2 * (x - 3))
    }
    #expect(outcome.evaluations == calls)
    #expect(calls <= 20)
    #expect(abs(outcome.parameter - 3) < 1e-6)
    // A zero initial gradient stops at once after one evaluation.
    let flat = TorchLBFGS<Float>().step(from: 5) { _ in (1, 0) }
    #expect(flat.evaluations == 1 && flat.iterations == 0 && flat.parameter == 5)
}

@Test func lbfgsFirstStepIsScaledByTheGradient() {
    // Iteration 1: t = min(1, 1/|g|), d = −g, so a steep linear loss moves by exactly 1.
    var points: [Float] = []
    _ = TorchLBFGS<Float>().step(from: 100) { x in
        points.append(x)
        return (4 * x, 4)
    }
    #expect(points.count >= 2)
    #expect(points[1] == 99)
}

@Test func officialInitialGuessesFollowTheHistory() {
    var history = LambdaHistory()
    #expect(OfficialLambdaSearch.initialGuesses(history: history, as: Float.self).guesses == [10, 100, 1000])
    for value: Float in [150, 160, 140, 155] { history.append(value, keep: 8) }
    let (guesses, median) = OfficialLambdaSearch.initialGuesses(history: history, as: Float.self)
    // torch.median of an even count is the LOWER middle value.
    #expect(median == 150)
    #expect(guesses == [0.001, 0.01, 0.1, 1, 10].map { Float($0 * 150.0) })
}

@Test func historyKeepsTheLastEntriesThenAppends() {
    var history = LambdaHistory()
    for i in 1...6 { history.append(Float(i), keep: 3) }
    // Trimmed to max(n_keep, 1) = 3 before each append: at most n_keep + 1 entries.
    #expect(history.values == [3, 4, 5, 6])
    var single = LambdaHistory()
    for i in 1...3 { single.append(Float(i), keep: 0) }
    #expect(single.values == [2, 3])
}

@Test func lambdaStabilityFlagsTheGapToTheExactRoot() {
    let close1 = LambdaStability(official: 1.02, root: 1.0, fallback: false)
    #expect(abs(close1.relativeGap - 0.02) < 1e-12 && close1.flags.isEmpty)
    let far = LambdaStability(official: 1.5, root: 1.0, fallback: false)
    #expect(far.flags == [.lambdaUnstable])
    let fell = LambdaStability(official: .nan, root: 2.0, fallback: true)
    #expect(fell.flags == [.lambdaFallback] && fell.relativeGap.isNaN)
    #expect(LambdaStability(official: 3, root: nil, fallback: false).flags.isEmpty)
    #expect(LambdaStability(official: 0, root: 0, fallback: false).relativeGap == 0)
    #expect(LambdaStability(official: 1, root: 0, fallback: false).relativeGap == .infinity)
    #expect(LambdaFlag.allCases.map(\.rawValue) == ["lambda-fallback", "lambda-unstable"])
}
