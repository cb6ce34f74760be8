import Diagnostics
import Linalg
import Testing

private func estimate(_ report: DependenceReport, _ measure: Measure) throws -> MeasureEstimate {
    try #require(report.estimate(measure))
}

/// A constant operand: statistics 0 where the definition says so (HSIC, dCor),
/// NaN with a reason where it is 0/0 (normalised HSIC, CKA, correlations), every
/// p-value exactly 1 (never the "significant" 1/(1 + R)), and a warning naming it.
@Test("A constant x or y gives 0 or NaN by definition, p-values 1 and a warning naming the operand",
      arguments: [(true, false), (false, true), (true, true)])
func constantOperand(constantX: Bool, constantY: Bool) throws {
    let n = 40
    let varying = TestData.gaussian(rows: n, columns: 3, seed: 131)
    let constant = Matrix<Double>(rows: n, columns: 3, repeating: 0.1)   // 0.1 has no exact binary mean
    let x = constantX ? constant : varying, y = constantY ? constant : TestData.gaussian(rows: n, columns: 3, seed: 132)
    let settings = PermutationSettings(permutations: 99, seed: 4)
    for bandwidth in [Bandwidth.medianHeuristic, .fixed(0.7)] {
        let report = try DependenceMeasures(bandwidthX: bandwidth, bandwidthY: bandwidth, permutation: settings,
                                            bootstrap: BootstrapSettings(resamples: 30, seed: 1))(
            .continuous(x), .continuous(y))
        #expect(try estimate(report, .hsicBiased).value == 0)
        #expect(try estimate(report, .hsicUnbiased).value == 0)
        #expect(try estimate(report, .distanceCorrelation).value == 0)
        #expect(try estimate(report, .distanceCorrelationU2).value == 0)
        for measure in [Measure.hsicNormalized, .ckaLinear, .crosscorrMeanAbs, .crosscorrMaxAbs, .crosscorrRMS] {
            let e = try estimate(report, measure)
            #expect(e.value.isNaN && e.reason != nil, "\(measure.rawValue): \(e.value), \(e.reason ?? "no reason")")
        }
        for measure in [Measure.hsicBiased, .distanceCorrelation] {
            let p = try estimate(report, measure).pValues
            #expect(!p.isEmpty && p.allSatisfy { $0.value == 1 && $0.reason != nil }, "\(measure.rawValue): \(p)")
        }
        let interval = try #require(try estimate(report, .hsicBiased).interval)
        #expect(interval.low == 0 && interval.high == 0)                  // every replicate is 0 too
        let names = constantX && constantY ? "x and y are" : constantX ? "x is" : "y is"
        #expect(report.warnings.contains { $0.kind == .constantOperand && $0.message.hasPrefix(names) })
    }
}

/// All rows identical after the subsample, though not before: the same answers.
@Test("An operand with a single distinct value after subsampling is treated as constant")
func constantAfterSubsampling() throws {
    let n = 200
    let subsample = Subsample(total: n, maxSamples: 20)
    var x = Matrix<Double>(rows: n, columns: 2, repeating: 3)
    let outside = try #require((0..<n).first { !subsample.indices.contains($0) })
    x[outside, 0] = 5                                                // a row the subsample leaves out
    let y = TestData.gaussian(rows: n, columns: 2, seed: 141)
    let report = try DependenceMeasures(maxSamples: 20, permutation: PermutationSettings(permutations: 49, seed: 1))(
        .continuous(x), .continuous(y), channelsX: .continuous(x.selectingRows(subsample.indices)),
        channelsY: .continuous(y.selectingRows(subsample.indices)))
    #expect(report.subsample.used == 20 && report.subsample.total == 200)
    #expect(try estimate(report, .distanceCorrelation).value == 0)
    #expect(try estimate(report, .distanceCorrelation).pValues.first?.value == 1)
    #expect(try estimate(report, .hsicBiased).pValues.allSatisfy { $0.value == 1 })
    #expect(try estimate(report, .hsicNormalized).value.isNaN)
    #expect(report.warnings.contains { $0.kind == .constantOperand })
    #expect(try #require(report.hsic?.bandwidthX).sigma.isNaN)
}

/// Identical rows in both operands: every pair coincides, nothing can depend.
@Test("All-identical rows in x and y: no error, statistics 0 or NaN, p = 1")
func allRowsIdentical() throws {
    let x = Matrix<Double>(rows: 12, columns: 4, repeating: -2.5), y = Matrix<Double>(rows: 12, columns: 1, repeating: 7)
    let result = try GaussianHSIC(permutation: PermutationSettings(permutations: 19, seed: 0))(x, y)
    #expect(result.hsicBiased == 0 && result.normalized.isNaN)
    #expect(result.gamma.pValue == 1 && result.gamma.reason?.contains("constant") == true)
    #expect(result.permutation?.pValue == 1 && result.permutation?.exceedances == 19)
    let d = try DistanceCorrelation(permutation: PermutationSettings(permutations: 19, seed: 0))(x, y)
    #expect(d.distanceCorrelation == 0 && d.uDistanceCorrelationSquared == 0 && d.permutation?.pValue == 1)
}

/// A statistic that ties with every permuted one must not look significant: the
/// counting rule (≥, ties included) gives p = 1 where dcor's strict > gives 1/(1+R).
@Test("Permutation p-values count ties: never below 1 when every permuted statistic equals the observed one")
func tiesCountAsExceedances() throws {
    let labels = CategoricalLabels([0, 0, 0, 0, 0, 0, 0, 0])
    let y = TestData.gaussian(rows: 8, columns: 2, seed: 151)
    let r = try GaussianHSIC(permutation: PermutationSettings(permutations: 99, seed: 3))(.categorical(labels), .continuous(y))
    #expect(r.permutation?.pValue == 1)
}
