import Foundation
import SeededRandom
import Testing
@testable import Diagnostics

/// The verdict and recommendation sentences on crafted spectra: which
/// sentence each case gets, the numbers in it, and that no two sentences
/// contradict each other.
@Suite struct ChannelVerdictTests {
    /// A layer of `channels` × `spatial` with the given channel spectrum and
    /// batch spectra of `batchSize` rows.
    static func layer(channels: Int, spatial: [Int] = [], batchSize: Int, channelValues: [Double],
                      batchValues: [[Double]], threshold: SingularValueThreshold = .official)
        -> ChannelValidationResult {
        let features = spatial.reduce(channels, *)
        return ChannelValidationResult(
            channels: channels, spatialShape: spatial, batchSize: batchSize, samples: 1000,
            channelSpectrum: SpectrumSummary(singularValues: channelValues, rows: 1000, columns: channels),
            batches: batchValues.map { SpectrumSummary(singularValues: $0, rows: batchSize, columns: features) },
            threshold: threshold)
    }

    /// `count` healthy batch spectra of `k` values from 10 down to 1.
    static func healthy(_ count: Int, values k: Int) -> [[Double]] {
        Array(repeating: (0..<k).map { 10 - 9 * Double($0) / Double(max(1, k - 1)) }, count: count)
    }

    /// 64 channels whose variance is in 4 directions (90 % in 3): s² = 100,
    /// 49, 16, 2.25, 1 and 59 × 1e-6, cumulative 0.59, 0.89, 0.98, 0.994.
    static let redundant = [10, 7, 4, 1.5, 1] + [Double](repeating: 1e-3, count: 59)

    @Test func redundantChannelsAreCalledSoAndAFewerCountIsRecommended() {
        let r = Self.layer(channels: 64, spatial: [7, 7], batchSize: 50, channelValues: Self.redundant,
                           batchValues: Self.healthy(10, values: 50))
        #expect(r.channelsFor90PercentVariance == 3 && r.channelsFor99PercentVariance == 4)
        #expect(r.verdict.hasPrefix("64 channels, effective rank "))
        #expect(r.verdict.contains("keep 90 % of their variance in 3 principal components and 99 % in 4: most "
                                   + "channels are redundant."))
        #expect(r.recommendation.hasPrefix("Fewer channels would do: 4 keep 99 % of the channel-feature variance "
                                           + "and 3 keep 90 %, against 64 now."))
    }

    @Test(arguments: [(Double(20), "many channels are redundant"), (40, "the channels carry largely distinct information")])
    func theReadingFollowsThe99PercentCount(_ spread: Double, _ reading: String) {
        // `spread` equal values and the rest negligible: 99 % needs `spread` of 64.
        let values = [Double](repeating: 1, count: Int(spread)) + [Double](repeating: 0, count: 64 - Int(spread))
        let r = Self.layer(channels: 64, batchSize: 100, channelValues: values, batchValues: Self.healthy(3, values: 64))
        #expect(r.channelsFor99PercentVariance == Int(spread))
        #expect(r.verdict.contains(reading))
    }

    @Test func distinctChannelsAreKept() {
        let r = Self.layer(channels: 8, batchSize: 50, channelValues: [Double](repeating: 1, count: 8),
                           batchValues: Self.healthy(4, values: 8))
        #expect(r.channelsFor99PercentVariance == 8)
        #expect(r.verdict.contains("largely distinct"))
        #expect(r.recommendation.hasPrefix("Keep the 8 channels: fewer would lose more than 1 %"))
    }

    @Test func oneChannelAndConstantChannelsHaveNoRedundancyToMeasure() {
        let one = Self.layer(channels: 1, spatial: [4], batchSize: 10, channelValues: [2],
                             batchValues: Self.healthy(2, values: 4))
        #expect(one.verdict.hasPrefix("1 channel: there is no channel redundancy to measure."))
        #expect(!one.recommendation.contains("channels would do") && !one.recommendation.contains("Keep the"))
        let constant = Self.layer(channels: 3, batchSize: 10, channelValues: [0, 0, 0],
                                  batchValues: Self.healthy(2, values: 3))
        #expect(constant.verdict.hasPrefix("3 channels whose per-sample means never vary"))
        #expect(constant.recommendation.hasPrefix("Check the layer"))
    }

    /// The issue's contradiction, on its own numbers: 64·7·7 = 3136 features
    /// per sample against batches of 50, and 0 of 60 batches rank-deficient.
    @Test func featuresBeyondTheBatchAndNoFlaggedBatchDoNotContradict() {
        let r = Self.layer(channels: 64, spatial: [7, 7], batchSize: 50, channelValues: Self.redundant,
                           batchValues: Self.healthy(60, values: 50))
        #expect(!r.fullRankPossible && r.rankDeficientBatches == 0)
        #expect(r.verdict.contains("7·7·64 = 3136 features per sample against batches of 50: a batch spans at most "
                                   + "50 of the 3136 feature directions, so no batch of 50 can have full column rank"))
        #expect(r.verdict.contains("0 of 60 batches (0 %) are rank-deficient (numerical rank below min(50, 3136) = 50)"))
        #expect(!r.verdict.contains("by construction") && !r.verdict.contains("every batch is rank-deficient"))
        #expect(r.recommendation.contains("Full column rank needs batches of at least 3136 samples, or at most 50 "
                                          + "features per sample: 1 channel at this spatial size (7×7)"))
        // The same layer at batch 256: other numbers, another sentence.
        let larger = Self.layer(channels: 64, spatial: [7, 7], batchSize: 256, channelValues: Self.redundant,
                                batchValues: Self.healthy(15, values: 256))
        #expect(larger.verdict.contains("at most 256 of the 3136") && larger.recommendation.contains("5 channels at"))
    }

    @Test func batchesAsWideAsTheFeaturesCanHaveFullRank() {
        let r = Self.layer(channels: 8, spatial: [2], batchSize: 16, channelValues: [Double](repeating: 1, count: 8),
                           batchValues: Self.healthy(5, values: 16))
        #expect(r.fullRankPossible && r.batchToFeatureRatio == 1)
        #expect(r.verdict.contains("2·8 = 16 features per sample against batches of 16: a batch can have full rank"))
        #expect(!r.verdict.contains("no batch") && !r.verdict.contains("W_hat gives"))
        #expect(r.recommendation.contains("Batches of 16 suit this flattened size."))
        #expect(!r.recommendation.contains("sigma_THR"))
    }

    @Test func rankDeficientBatchesAreCountedAndThresholdingAdvised() {
        let deficient: [Double] = [10, 5, 1, 1e-20]
        let r = Self.layer(channels: 4, batchSize: 8, channelValues: [1, 1, 1, 1],
                           batchValues: [deficient, deficient] + Self.healthy(2, values: 4))
        #expect(r.rankDeficientBatches == 2)
        #expect(r.verdict.contains("2 of 4 batches (50 %) are rank-deficient (numerical rank below min(8, 4) = 4)"))
        #expect(r.recommendation.contains("Batches of 8 could have full rank, yet 2 of 4 do not"))
        #expect(r.recommendation.contains("At sigma_THR = 0 the near-zero singular values of the 2 flagged batches"))
        #expect(r.verdict.contains("replaces only singular values that are exactly zero (none here)"))
    }

    @Test func thresholdCountsAreReportedPerBatch() {
        let threshold = SingularValueThreshold(relative: 1e-3, replacement: 0.5)
        let batches: [[Double]] = [[10, 1, 1e-3, 1e-4], [10, 1, 0.5, 1e-3], [10, 5, 1, 1e-5], [10, 9, 8, 7]]
        let r = Self.layer(channels: 4, batchSize: 4, channelValues: [1, 1, 1, 1], batchValues: batches,
                           threshold: threshold)
        #expect(r.replacedPerBatch == [2, 1, 1, 0])
        #expect(r.verdict.contains("at or below sigma_THR = 0.001 times the largest by sigma_MIN = 0.5: a median of "
                                   + "1 of 4 per batch here (from 0 to 2)"))
        let zeroFloor = Self.layer(channels: 4, batchSize: 4, channelValues: [1, 1, 1, 1],
                                   batchValues: [[10, 1, 1e-20, 0]],
                                   threshold: SingularValueThreshold(relative: 1e-3, replacement: 0))
        #expect(zeroFloor.recommendation.contains("use a positive sigma_MIN"))
        let exactZeros = Self.layer(channels: 4, batchSize: 4, channelValues: [1, 1, 1, 1],
                                    batchValues: [[10, 1, 0, 0], [10, 1, 1, 0]])
        #expect(exactZeros.verdict.contains("exactly zero (3 in 2 batches here) by sigma_MIN = 0"))
    }

    @Test func aResultWithoutBatchesStillReads() {
        let r = Self.layer(channels: 2, batchSize: 10, channelValues: [1, 1], batchValues: [],
                           threshold: SingularValueThreshold(relative: 0.1, replacement: 1))
        #expect(r.verdict.contains("No full batch of 10 samples to analyse."))
        #expect(!r.verdict.contains("median"))
    }

    @Test func spatialSizesBeyondTheBatchNeedPooling() {
        let r = Self.layer(channels: 3, spatial: [28, 28], batchSize: 50, channelValues: [3, 2, 1],
                           batchValues: Self.healthy(2, values: 50))
        #expect(r.recommendation.contains("even one channel has 784 spatial features, more than 50"))
        let vector = Self.layer(channels: 512, batchSize: 50, channelValues: [Double](repeating: 1, count: 512),
                                batchValues: Self.healthy(2, values: 50))
        #expect(vector.recommendation.contains("or at most 50 features per sample."))
    }

    /// Random crafted layers: every sentence agrees with the numbers and with
    /// the other sentences.
    @Test func sentencesNeverContradictTheNumbers() {
        var random = SplitMix64(seed: 2024)
        for _ in 0..<300 {
            let channels = 1 + Int(random.unitInterval() * 40)
            let spatial = [[], [2], [3, 3], [7, 7]][Int(random.unitInterval() * 4)]
            let batchSize = 1 + Int(random.unitInterval() * 120)
            let features = spatial.reduce(channels, *)
            let k = min(batchSize, features)
            let channelValues = (0..<channels).map { _ in random.unitInterval() < 0.3 ? 0 : random.unitInterval() }
            let batches = (0..<(1 + Int(random.unitInterval() * 6))).map { _ in
                (0..<k).map { _ in random.unitInterval() < 0.1 ? 1e-19 : 1 + random.unitInterval() }
            }
            let threshold = random.unitInterval() < 0.5 ? .official
                : SingularValueThreshold(relative: 0.3, replacement: random.unitInterval() < 0.5 ? 0 : 1e-8)
            let r = Self.layer(channels: channels, spatial: spatial, batchSize: batchSize, channelValues: channelValues,
                               batchValues: batches, threshold: threshold)
            let (verdict, advice) = (r.verdict, r.recommendation)
            let n = r.batches.count
            #expect(verdict.contains("\(r.rankDeficientBatches) of \(n) \(n == 1 ? "batch" : "batches")"))
            #expect(verdict.contains("and \(r.illConditionedBatches) of \(n) "))
            #expect(r.fullRankPossible == (features <= batchSize))
            #expect(verdict.contains("can have full rank") == r.fullRankPossible)
            #expect(verdict.contains("no batch of \(batchSize) can have full column rank") == !r.fullRankPossible)
            #expect(advice.contains("Full column rank needs") == !r.fullRankPossible)
            #expect(advice.contains("yet \(r.rankDeficientBatches) of") == (r.fullRankPossible && r.rankDeficientBatches > 0))
            if channels > 1 && r.channelsVary {
                let k99 = r.channelsFor99PercentVariance
                #expect(k99 >= r.channelsFor90PercentVariance && k99 <= channels)
                #expect(advice.contains("Fewer channels would do") == (k99 < channels))
                #expect(advice.contains("Keep the \(channels) channels") == (k99 == channels))
            }
            #expect(!verdict.contains("by construction"))
        }
    }
}
