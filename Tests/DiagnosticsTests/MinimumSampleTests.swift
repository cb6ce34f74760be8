import Diagnostics
import Linalg
import Testing

/// Each measure has its own minimum n; below it that measure alone is
/// unavailable (NaN, a reason, a warning) and the others are still computed.
@Test("n = 4 and 5: dCor (V and U) equal the reference formulas; the gamma test is unavailable", arguments: [4, 5])
func dcorAtFourAndFiveSamples(n: Int) throws {
    let x = TestData.gaussian(rows: n, columns: 3, seed: UInt64(160 + n))
    let y = TestData.dependent(on: x, columns: 2, noise: 0.5, seed: UInt64(170 + n))
    let report = try DependenceMeasures(permutation: PermutationSettings(permutations: 20, seed: 1))(
        .continuous(x), .continuous(y))
    let dcor = try #require(report.estimate(.distanceCorrelation)), u2 = try #require(report.estimate(.distanceCorrelationU2))
    #expect(close(dcor.value, Reference.distanceCorrelation(x, y), 1e-12))
    let (a, b) = (Reference.distances(x), Reference.distances(y))
    let reference = Reference.hsicUnbiased(a, b)
        / (Reference.hsicUnbiased(a, a) * Reference.hsicUnbiased(b, b)).squareRoot()
    #expect(close(u2.value, reference, 1e-10))
    #expect(dcor.n == n && u2.n == n && dcor.pValues.count == 1)
    let hsic = try #require(report.estimate(.hsicBiased))
    let direct = try GaussianHSIC()(x, y).hsicBiased
    #expect(hsic.value.isFinite && close(hsic.value, direct, 1e-15))
    let gamma = try #require(hsic.pValues.first { $0.method == .gamma })
    #expect(gamma.value.isNaN && gamma.reason?.contains("at least 6 samples") == true)
    #expect(hsic.pValues.contains { $0.method == .permutation(20) && $0.value.isFinite })
    #expect(try #require(report.estimate(.hsicUnbiased)).value.isFinite)
    #expect(report.warnings.contains { $0.kind == .unavailable && $0.measure == .hsicBiased })
}

@Test("n = 3: the U-statistics are unavailable with a reason and a warning, every other measure is computed")
func threeSamples() throws {
    let x = Matrix<Double>(rows: 3, columns: 2, storage: [0, 1, 2, 0.5, 3, 3])
    let y = Matrix<Double>(rows: 3, columns: 1, storage: [1, 2, 4])
    let report = try DependenceMeasures()(.continuous(x), .continuous(y))
    for measure in [Measure.hsicUnbiased, .distanceCorrelationU2] {
        let estimate = try #require(report.estimate(measure))
        #expect(estimate.value.isNaN && estimate.reason == "needs at least 4 samples (n = 3)")
        #expect(report.warnings.contains { $0.kind == .unavailable && $0.measure == measure })
    }
    for measure in [Measure.hsicBiased, .hsicNormalized, .ckaLinear, .distanceCorrelation,
                    .crosscorrMeanAbs, .crosscorrMaxAbs, .crosscorrRMS] {
        #expect(try #require(report.estimate(measure)).value.isFinite, "\(measure.rawValue)")
    }
    #expect(close(try #require(report.estimate(.distanceCorrelation)).value, Reference.distanceCorrelation(x, y), 1e-12))
}

@Test("n = 2: one pair; the pairwise measures exist, n = 1 has none and throws")
func twoSamples() throws {
    let x = Matrix<Double>(rows: 2, columns: 1, storage: [0, 1]), y = Matrix<Double>(rows: 2, columns: 1, storage: [5, 3])
    let report = try DependenceMeasures()(.continuous(x), .continuous(y))
    #expect(try #require(report.estimate(.distanceCorrelation)).value == 1)    // two points are always aligned
    #expect(close(try #require(report.estimate(.crosscorrMaxAbs)).value, 1, 1e-15))
    #expect(report.estimates.filter(\.isAvailable).count == 7)
    #expect(throws: DiagnosticsError.tooFewSamples(statistic: "every dependence measure", needed: 2, got: 1)) {
        try DependenceMeasures()(.continuous(x.rows(0..<1)), .continuous(y.rows(0..<1)))
    }
}
