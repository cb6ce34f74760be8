import Diagnostics
import Foundation
import Linalg
import SeededRandom
import Testing

@Test("Mismatched sample counts name both shapes")
func mismatchedSampleCounts() throws {
    let x = TestData.gaussian(rows: 100, columns: 3, seed: 1), y = TestData.gaussian(rows: 90, columns: 2, seed: 2)
    let expected = DiagnosticsError.sampleCountMismatch(x: .init(rows: 100, columns: 3), y: .init(rows: 90, columns: 2))
    #expect(throws: expected) { try GaussianHSIC()(x, y) }
    #expect(throws: expected) { try DistanceCorrelation()(x, y) }
    #expect(throws: expected) { try LinearCKA()(x, y) }
    #expect(throws: expected) { try ChannelCorrelation()(x, channelsX: 3, y, channelsY: 2) }
    #expect(expected.description.contains("100×3") && expected.description.contains("90×2"))
}

@Test("NaN and infinity are reported with their sample index")
func nonFiniteValuesAreLocated() throws {
    var x = TestData.gaussian(rows: 20, columns: 4, seed: 3)
    let y = TestData.gaussian(rows: 20, columns: 2, seed: 4)
    x[13, 2] = .nan
    do {
        _ = try GaussianHSIC()(x, y)
        Issue.record("NaN was accepted")
    } catch let DiagnosticsError.nonFinite(operand, sample, feature, value) {
        #expect(operand == "x" && sample == 13 && feature == 2 && value.isNaN)
    }
    var yInf = y
    yInf[7, 1] = -.infinity
    #expect(throws: DiagnosticsError.nonFinite(operand: "y", sample: 7, feature: 1, value: -.infinity)) {
        try DistanceCorrelation()(TestData.gaussian(rows: 20, columns: 4, seed: 3), yInf)
    }
}

@Test("Too few samples: below one pair nothing can be computed")
func tooFewSamples() throws {
    let one = TestData.gaussian(rows: 1, columns: 2, seed: 5)
    #expect(throws: DiagnosticsError.tooFewSamples(statistic: "Gaussian HSIC", needed: 2, got: 1)) {
        try GaussianHSIC()(one, one)
    }
    #expect(throws: DiagnosticsError.tooFewSamples(statistic: "distance correlation", needed: 2, got: 1)) {
        try DistanceCorrelation()(one, one)
    }
    #expect(throws: DiagnosticsError.tooFewSamples(statistic: "linear CKA", needed: 2, got: 1)) {
        try LinearCKA()(one, one)
    }
    #expect(throws: DiagnosticsError.tooFewSamples(statistic: "Gaussian HSIC (after subsampling to maxSamples)",
                                                   needed: 2, got: 1)) {
        try GaussianHSIC(maxSamples: 1)(TestData.gaussian(rows: 50, columns: 2, seed: 1),
                                        TestData.gaussian(rows: 50, columns: 2, seed: 2))
    }
    #expect(throws: DiagnosticsError.tooFewSamples(statistic: "every dependence measure", needed: 2, got: 1)) {
        try DependenceMeasures()(.continuous(one), .continuous(one))
    }
}

@Test("Invalid settings are refused with the setting named")
func invalidSettings() throws {
    let y = TestData.gaussian(rows: 10, columns: 2, seed: 6)
    #expect(throws: DiagnosticsError.invalidSetting(name: "sigma for y", value: "-1.0",
                                                    requirement: "must be a finite number > 0")) {
        try GaussianHSIC(bandwidthY: .fixed(-1))(y, y)
    }
    #expect(throws: DiagnosticsError.self) { try GaussianHSIC(bandwidthX: .fixed(.infinity))(y, y) }
    #expect(throws: DiagnosticsError.invalidSetting(name: "confidence", value: "1.0",
                                                    requirement: "must lie strictly between 0 and 1")) {
        try DistanceCorrelation(bootstrap: BootstrapSettings(confidence: 1))(y, y)
    }
    #expect(throws: DiagnosticsError.invalidSetting(name: "bootstrap resamples", value: "0",
                                                    requirement: "must be at least 1")) {
        try LinearCKA(bootstrap: BootstrapSettings(resamples: 0))(y, y)
    }
    #expect(throws: DiagnosticsError.strataCountMismatch(samples: 10, labels: 3)) {
        try GaussianHSIC()(.continuous(y), .continuous(y), strata: CategoricalLabels([0, 1, 0]))
    }
}

@Test("Labels that are not integers are refused with the sample named")
func notCategorical() throws {
    let fractional = Matrix<Double>(rows: 3, columns: 1, storage: [1, 2.5, 3])
    #expect(throws: DiagnosticsError.notCategorical(operand: "y", sample: 1,
                                                    reason: "its value 2.5 is not an integer label")) {
        try CategoricalLabels(fractional, operand: "y")
    }
    let huge = Matrix<Double>(rows: 2, columns: 1, storage: [1, 1e300])
    #expect(throws: DiagnosticsError.self) { try CategoricalLabels(huge) }
    #expect(throws: DiagnosticsError.self) { try CategoricalLabels(Matrix<Double>(rows: 2, columns: 2)) }
    let error = DiagnosticsError.notCategorical(operand: "y", sample: 1, reason: "its value 2.5 is not an integer label")
    #expect(error.description.contains("sample 1") && error.description.contains("integer class label"))
}

@Test("Constant channels are reported and left out of the summaries, never folded in as NaN")
func constantChannels() throws {
    // x: 3 channels of 2×2 maps; channel 1 is constant. y: 2 vector channels.
    var x = TestData.gaussian(rows: 30, columns: 12, seed: 7)
    for i in 0..<30 { for s in 4..<8 { x[i, s] = 0.25 } }
    let y = TestData.gaussian(rows: 30, columns: 2, seed: 8)
    let r = try ChannelCorrelation()(x, channelsX: 3, y, channelsY: 2)
    #expect(r.constantChannelsX == [1] && r.constantChannelsY.isEmpty)
    #expect(r.matrix[1, 0].isNaN && r.matrix[1, 1].isNaN && !r.matrix[0, 0].isNaN)
    #expect(r.entriesUsed == 4)
    let usable = [r.matrix[0, 0], r.matrix[0, 1], r.matrix[2, 0], r.matrix[2, 1]]
    #expect(close(r.meanAbs, usable.map(abs).reduce(0, +) / 4, 1e-14))
    #expect(close(r.maxAbs, usable.map(abs).max()!, 1e-14) && r.rms.isFinite)
    #expect(throws: DiagnosticsError.channelLayoutMismatch(operand: "x", columns: 12, channels: 5)) {
        try ChannelCorrelation()(x, channelsX: 5, y, channelsY: 2)
    }
}

@Test("maxSamples larger than n uses all n; smaller takes seeded random rows, or strided ones when asked")
func maxSamplesSubsampling() throws {
    let x = TestData.gaussian(rows: 40, columns: 3, seed: 9)
    let y = TestData.dependent(on: x, columns: 2, noise: 0.5, seed: 10)
    let all = try GaussianHSIC(maxSamples: 5000)(x, y)
    #expect(all.subsample.isComplete && all.subsample.used == 40 && all.n == 40 && all.subsample.maxSamples == 5000)
    let some = try DistanceCorrelation(maxSamples: 16)(x, y)
    #expect(some.subsample.used == 16 && some.subsample.total == 40 && !some.subsample.isComplete)
    #expect(some.subsample.method == .random(seed: 0))
    var generator = SplitMix64(seed: 0)
    #expect(some.subsample.indices == generator.sampleWithoutReplacement(16, from: 40))
    #expect(some.subsample.indices == some.subsample.indices.sorted() && Set(some.subsample.indices).count == 16)
    let direct = try DistanceCorrelation()(x.selectingRows(some.subsample.indices), y.selectingRows(some.subsample.indices))
    #expect(direct.distanceCorrelation == some.distanceCorrelation)
    let strided = try DistanceCorrelation(maxSamples: 16, subsampleMethod: .strided)(x, y)
    #expect(strided.subsample.indices == (0..<16).map { $0 * 40 / 16 })
    let other = Subsample(total: 40, maxSamples: 16, method: .random(seed: 1))
    #expect(other.indices != some.subsample.indices)
}

@Test("Median heuristic: numpy's median over i < j; random rows beyond 1000, strided when asked")
func medianHeuristic() throws {
    let odd = Matrix<Double>(rows: 3, columns: 1, storage: [0, 1, 3])     // distances 1, 3, 2
    #expect(try MedianHeuristic().choose(odd).sigma == 2)
    let even = Matrix<Double>(rows: 4, columns: 1, storage: [0, 1, 3, 7]) // 1, 3, 7, 2, 6, 4
    let choice = try MedianHeuristic().choose(even)
    #expect(choice.sigma == 3.5 && choice.rowsUsed == 4 && choice.pairsUsed == 6 && !choice.positiveDistancesOnly)
    let withTies = Matrix<Double>(rows: 4, columns: 1, storage: [0, 0, 0, 5]) // 0, 0, 0, 5, 5, 5 → zeros kept
    #expect(try MedianHeuristic().choose(withTies).sigma == 2.5)
    let big = TestData.gaussian(rows: 2500, columns: 2, seed: 11)
    let random = try MedianHeuristic().choose(big)
    #expect(random.rowsUsed == 1000 && random.pairsUsed == 499_500 && random.rowSelection == .random(seed: 0))
    let drawn = big.selectingRows(Subsample(total: 2500, maxSamples: 1000, method: .random(seed: 0)).indices)
    #expect(try MedianHeuristic().choose(drawn).sigma == random.sigma)
    let strided = try MedianHeuristic(rowSelection: .strided).choose(big)
    let picked = big.selectingRows((0..<1000).map { $0 * 2500 / 1000 })
    #expect(try MedianHeuristic(maxRows: 1000).choose(picked).sigma == strided.sigma)
}

@Test("More than half the pairs tied: σ is the median of the positive distances, flagged")
func tiedDistancesFallBack() throws {
    // 8 of 10 rows identical: 28 of the 45 distances are 0, so their median is 0. The 17
    // positive ones are 3 (8×), 5 (once) and 8 (8×): their median is 5.
    var values = [Double](repeating: 1, count: 8) + [4, 9]
    let choice = try MedianHeuristic().choose(Matrix(rows: 10, columns: 1, storage: values))
    #expect(choice.positiveDistancesOnly && choice.pairsUsed == 17)
    #expect(close(choice.sigma, 5, 1e-14))
    values = [Double](repeating: 1, count: 10)
    #expect(try MedianHeuristic().choose(Matrix(rows: 10, columns: 1, storage: values)).sigma.isNaN)
    let y = TestData.gaussian(rows: 10, columns: 1, seed: 3)
    let r = try GaussianHSIC()(Matrix(rows: 10, columns: 1, storage: [Double](repeating: 1, count: 8) + [4, 9]), y)
    #expect(r.warnings.contains { $0.kind == .tiedDistances } && r.hsicBiased > 0)
}
