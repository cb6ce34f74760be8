import SeededRandom
import Linalg
import Testing
@testable import Diagnostics

@Test("Each permutation's statistic is the statistic of (x, y with rows permuted by that stream)")
func permutationCountsMatchExplicitRecomputation() throws {
    let x = TestData.gaussian(rows: 24, columns: 3, seed: 41)
    let y = TestData.gaussian(rows: 24, columns: 2, seed: 43)
    let settings = PermutationSettings(permutations: 30, seed: 5)
    let hsic = GaussianHSIC(bandwidthX: .fixed(2), bandwidthY: .fixed(1.5), permutation: settings, threads: 2)
    let result = try hsic(x, y)
    let plain = GaussianHSIC(bandwidthX: .fixed(2), bandwidthY: .fixed(1.5))
    var hsicCount = 0, dcorCount = 0
    let dcor = try DistanceCorrelation(permutation: settings)(x, y)
    for r in 0..<settings.permutations {
        var g = SplitMix64(seed: settings.seed, stream: r)
        let yp = y.selectingRows(g.permutation(24))
        if try plain(x, yp).hsicBiased >= result.permutation!.statistic { hsicCount += 1 }
        let d = try DistanceCorrelation()(x, yp)
        if Double(24) * d.covarianceSquared > dcor.permutation!.statistic { dcorCount += 1 }
    }
    #expect(result.permutation!.exceedances == hsicCount)
    #expect(dcor.permutation!.exceedances == dcorCount)
    #expect(close(dcor.permutation!.statistic, 24 * dcor.covarianceSquared, 1e-12))
    #expect(hsicCount > 0 && hsicCount < 30)   // independent data: neither extreme, so the count is informative
}
