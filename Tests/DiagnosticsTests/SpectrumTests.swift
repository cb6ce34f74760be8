import SeededRandom
import Foundation
import Linalg
import Testing
@testable import Diagnostics

@Test("Spectrum summary of known singular values")
func spectrumSummaryOfKnownValues() {
    let s = SpectrumSummary(singularValues: [1, 3, 1], rows: 3, columns: 5)
    #expect(s.singularValues == [3, 1, 1])
    #expect(s.numericalRank == 3 && s.conditionNumber == 3)
    #expect(close(s.stableRank, 11.0 / 9, 1e-15))
    #expect(s.componentsForEnergy == 2)                  // 9/11 < 0.9 ≤ 10/11
    let p = [0.6, 0.2, 0.2]
    #expect(close(s.effectiveRank, exp(-p.reduce(0) { $0 + $1 * log($1) }), 1e-14))
    #expect(s.flags == [.featuresExceedBatch])
    #expect(s.normalized == [1, 1.0 / 3, 1.0 / 3])
    #expect(close(s.cumulativeEnergy[0], 9.0 / 11, 1e-15) && s.cumulativeEnergy[2] == 1)
    let equal = SpectrumSummary(singularValues: [2, 2, 2, 2], rows: 4, columns: 4)
    #expect(close(equal.effectiveRank, 4, 1e-14) && equal.stableRank == 4 && equal.flags.isEmpty)
}

@Test("Rank-deficient, ill-conditioned and non-finite batches are flagged")
func spectrumFlags() throws {
    let deficient = SpectrumSummary(singularValues: [5, 1, 1e-17], rows: 3, columns: 3)
    #expect(deficient.numericalRank == 2 && deficient.conditionNumber == 5)
    #expect(deficient.flags == [.rankDeficient])
    let ill = SpectrumSummary(singularValues: [1, 1e-5], rows: 2, columns: 2,
                              illConditionedThreshold: WorkingPrecision.float32.illConditionedThreshold)
    #expect(ill.flags == [.illConditioned])
    #expect(SpectrumSummary(singularValues: [1, 1e-5], rows: 2, columns: 2).flags.isEmpty)
    let broken = SpectrumSummary(singularValues: [1, .nan], rows: 2, columns: 4)
    #expect(broken.flags == [.featuresExceedBatch, .nonFinite] && broken.singularValues.isEmpty)

    // Batches of 4 rows of 6 features, the second rank 1, the third with a NaN.
    var x = TestData.gaussian(rows: 13, columns: 6, seed: 1)
    for i in 4..<8 { for j in 0..<6 { x[i, j] = Double(i) * Double(j + 1) } }
    x[9, 3] = .nan
    let spectra = try SpectrumAnalysis(batchSize: 4)(x)
    #expect(spectra.count == 3)                            // the 13th row is dropped
    #expect(spectra[0].flags == [.featuresExceedBatch] && spectra[0].numericalRank == 4)
    #expect(spectra[1].numericalRank == 1 && spectra[1].flags.contains(.rankDeficient))
    #expect(spectra[2].flags.contains(.nonFinite))
    #expect(throws: DiagnosticsError.self) { try SpectrumAnalysis(batchSize: 20)(x) }
}

@Test("Spectrum flags in report order")
func spectrumFlagOrder() {
    #expect(SpectrumFlag.allCases.map(\.rawValue) == ["rank-deficient", "ill-conditioned", "features-exceed-batch",
                                                      "non-finite"])
}

@Test("Channel validation: redundant channels and flattened size beyond the batch")
func channelValidationVerdict() throws {
    // 16 channels of 3×3 maps, all copies of 2 underlying channels: effective rank ≈ 2.
    let base = TestData.gaussian(rows: 60, columns: 2 * 9, seed: 2)
    var x = Matrix<Double>(rows: 60, columns: 16 * 9)
    for i in 0..<60 { for c in 0..<16 { for s in 0..<9 { x[i, c * 9 + s] = base[i, (c % 2) * 9 + s] } } }
    let result = try ChannelValidation(batchSize: 20)(x, channels: 16, spatialShape: [3, 3])
    #expect(result.channelEffectiveRank > 1 && result.channelEffectiveRank <= 2 + 1e-9)
    #expect(result.featuresPerSample == 144 && result.batches.count == 3)
    #expect(result.flaggedBatches == 3 && result.flaggedFraction == 1)
    let verdict = result.verdict
    #expect(verdict.contains("16 channels") && verdict.contains("most channels are redundant"))
    #expect(verdict.contains("3·3·16 = 144") && verdict.contains("batches of 20"))
    #expect(verdict.contains("rank-deficient by construction") && verdict.contains("3 of 3 batches"))

    let healthy = try ChannelValidation(batchSize: 50)(TestData.gaussian(rows: 200, columns: 8, seed: 3), channels: 8)
    #expect(healthy.channelEffectiveRank > 6 && healthy.flaggedBatches == 0)
    #expect(healthy.verdict.contains("largely distinct") && healthy.verdict.contains("can have full rank"))
    #expect(throws: DiagnosticsError.self) { try ChannelValidation(batchSize: 20)(x, channels: 16, spatialShape: [4, 4]) }

    let single = try ChannelValidation(batchSize: 20)(TestData.gaussian(rows: 60, columns: 1, seed: 4), channels: 1)
    #expect(single.verdict.hasPrefix("1 channel: there is no channel redundancy to measure."))
    #expect(single.verdict.contains(" 1 feature per sample"))
}

@Test("Per-sample channel means over the spatial block of each channel")
func channelFeatureMeans() throws {
    let x = Matrix<Double>(rows: 2, columns: 6, storage: [1, 2, 3, 4, 5, 6, 0, 0, 1, 1, 2, 4])
    let f = try channelFeatures(x, channels: 3)
    #expect(f.storage == [1.5, 3.5, 5.5, 0, 1, 3])
    #expect(try channelFeatures(x, channels: 6) == x)
}

@Test("SplitMix64 streams give permutations that differ between streams and repeat for a seed")
func permutationStreams() {
    var a = SplitMix64(seed: 5, stream: 0), b = SplitMix64(seed: 5, stream: 1), c = SplitMix64(seed: 5, stream: 0)
    let (x, y, z) = ((0..<8).map { _ in a.next() }, (0..<8).map { _ in b.next() }, (0..<8).map { _ in c.next() })
    #expect(x == z && x != y)
    var g = SplitMix64(seed: 1)
    #expect(g.next() != g.next())
}

@Test("Quickselect median equals the sorted median, ties and even counts included")
func quickselectMedian() {
    var g = SplitMix64(seed: 4)
    for count in [1, 2, 3, 10, 101, 1000] {
        for levels in [3, 1_000_000] {   // heavy ties, then almost none
            var values = (0..<count).map { _ in Double(g.uniform(below: levels)) }
            let sorted = values.sorted()
            let expected = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
            #expect(median(&values) == expected)
        }
    }
}
