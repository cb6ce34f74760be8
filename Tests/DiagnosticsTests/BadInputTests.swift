import Diagnostics
import Foundation
import Linalg
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

@Test("Too few samples for a statistic")
func tooFewSamples() throws {
    let x = TestData.gaussian(rows: 5, columns: 2, seed: 5)
    #expect(throws: DiagnosticsError.tooFewSamples(statistic: "Gaussian HSIC with the gamma test", needed: 6, got: 5)) {
        try GaussianHSIC()(x, x)
    }
    let three = TestData.gaussian(rows: 3, columns: 2, seed: 5)
    #expect(throws: DiagnosticsError.tooFewSamples(statistic: "distance correlation", needed: 4, got: 3)) {
        try DistanceCorrelation()(three, three)
    }
    #expect(throws: DiagnosticsError.self) { try GaussianHSIC(maxSamples: 5)(TestData.gaussian(rows: 50, columns: 2, seed: 1), TestData.gaussian(rows: 50, columns: 2, seed: 2)) }
}

@Test("Identical rows give no median bandwidth; a fixed sigma must be positive")
func degenerateBandwidth() throws {
    let constant = Matrix<Double>(rows: 10, columns: 3, repeating: 1.5)
    let y = TestData.gaussian(rows: 10, columns: 2, seed: 6)
    #expect(throws: DiagnosticsError.degenerateBandwidth(operand: "x", rowsUsed: 10)) { try GaussianHSIC()(constant, y) }
    #expect(throws: DiagnosticsError.self) { try GaussianHSIC(bandwidthY: .fixed(-1))(y, y) }
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

@Test("maxSamples larger than n uses all n and says so; smaller takes evenly strided rows")
func maxSamplesSubsampling() throws {
    let x = TestData.gaussian(rows: 40, columns: 3, seed: 9)
    let y = TestData.dependent(on: x, columns: 2, noise: 0.5, seed: 10)
    let all = try GaussianHSIC(maxSamples: 5000)(x, y)
    #expect(all.subsample.isComplete && all.subsample.used == 40 && all.n == 40 && all.subsample.maxSamples == 5000)
    let some = try DistanceCorrelation(maxSamples: 16)(x, y)
    #expect(some.subsample.used == 16 && some.subsample.total == 40 && !some.subsample.isComplete)
    #expect(some.subsample.indices == (0..<16).map { $0 * 40 / 16 })
    let direct = try DistanceCorrelation()(x.selectingRows(some.subsample.indices), y.selectingRows(some.subsample.indices))
    #expect(direct.distanceCorrelation == some.distanceCorrelation)
}

@Test("Median heuristic: numpy's median over i < j, strided rows beyond 1000")
func medianHeuristic() throws {
    let odd = Matrix<Double>(rows: 3, columns: 1, storage: [0, 1, 3])     // distances 1, 3, 2
    #expect(try MedianHeuristic().choose(odd).sigma == 2)
    let even = Matrix<Double>(rows: 4, columns: 1, storage: [0, 1, 3, 7]) // 1, 3, 7, 2, 6, 4
    let choice = try MedianHeuristic().choose(even)
    #expect(choice.sigma == 3.5 && choice.rowsUsed == 4 && choice.pairsUsed == 6)
    let withTies = Matrix<Double>(rows: 4, columns: 1, storage: [0, 0, 0, 5]) // 0, 0, 0, 5, 5, 5 → zeros kept
    #expect(try MedianHeuristic().choose(withTies).sigma == 2.5)
    let big = TestData.gaussian(rows: 2500, columns: 2, seed: 11)
    let strided = try MedianHeuristic().choose(big)
    #expect(strided.rowsUsed == 1000 && strided.pairsUsed == 499_500)
    let picked = big.selectingRows((0..<1000).map { $0 * 2500 / 1000 })
    #expect(try MedianHeuristic(maxRows: 1000).choose(picked).sigma == strided.sigma)
}

@Test("A constant operand with a fixed σ gives zero HSIC and NaN p-values, not a crash")
func constantOperandWithFixedSigma() throws {
    let x = TestData.gaussian(rows: 12, columns: 2, seed: 12)
    let constant = Matrix<Double>(rows: 12, columns: 2, repeating: 3)
    let r = try GaussianHSIC(bandwidthY: .fixed(1))(x, constant)
    #expect(abs(r.hsicBiased) < 1e-15 && abs(r.hsicUnbiased) < 1e-15)
    #expect(r.gamma.pValue.isNaN && r.gamma.alpha.isNaN)
}
