import SeededRandom
import Diagnostics
import Foundation
import Linalg
import Testing

@Test("One-pass kernels agree with explicit-difference full-matrix formulas")
func agreesWithReferenceImplementation() throws {
    let x = TestData.gaussian(rows: 40, columns: 5, seed: 1)
    let y = TestData.dependent(on: x, columns: 3, noise: 0.5, seed: 2)
    let r = try GaussianHSIC(bandwidthX: .fixed(2.5), bandwidthY: .fixed(1.5))(x, y)
    let k = Reference.gaussian(x, sigma: 2.5), l = Reference.gaussian(y, sigma: 1.5)
    #expect(close(r.hsicBiased, Reference.hsicBiased(k, l), 1e-12))
    #expect(close(r.hsicUnbiased, Reference.hsicUnbiased(k, l), 1e-10))
    #expect(close(r.hsicBiasedXX, Reference.hsicBiased(k, k), 1e-12))
    #expect(close(r.hsicUnbiasedYY, Reference.hsicUnbiased(l, l), 1e-10))
    let d = try DistanceCorrelation()(x, y)
    #expect(close(d.distanceCorrelation, Reference.distanceCorrelation(x, y), 1e-12))
}

@Test("A large common offset does not disturb the GEMM-based distances")
func offsetInvariance() throws {
    let x = TestData.gaussian(rows: 50, columns: 4, seed: 3)
    let y = TestData.dependent(on: x, columns: 4, noise: 0.3, seed: 4)
    var shifted = x
    for i in shifted.storage.indices { shifted.storage[i] += 1e4 }
    let a = try GaussianHSIC()(x, y), b = try GaussianHSIC()(shifted, y)
    #expect(close(a.hsicBiased, b.hsicBiased, 1e-10))
    #expect(close(a.bandwidthX?.sigma ?? .nan, b.bandwidthX?.sigma ?? 0, 1e-10))
    let da = try DistanceCorrelation()(x, y), db = try DistanceCorrelation()(shifted, y)
    #expect(close(da.distanceCorrelation, db.distanceCorrelation, 1e-10))
}

@Test("Independent samples: HSIC and bias-corrected dCor² near zero, gamma p roughly uniform over 50 seeds")
func independentSamples() throws {
    var pValues: [Double] = []
    for seed in 0..<50 {
        let x = TestData.gaussian(rows: 80, columns: 3, seed: UInt64(1000 + seed))
        let y = TestData.gaussian(rows: 80, columns: 2, seed: UInt64(5000 + seed))
        let h = try GaussianHSIC(threads: 1)(x, y)
        #expect(h.hsicBiased >= 0)
        #expect(abs(h.hsicUnbiased) < 0.1 * h.hsicBiased + 0.01)
        #expect(h.normalized < 0.2)
        let d = try DistanceCorrelation(threads: 1)(x, y)
        #expect(abs(d.uDistanceCorrelationSquared) < 0.1)
        pValues.append(h.gamma.pValue)
    }
    // Kolmogorov–Smirnov distance to U(0, 1); 0.23 is the 1 % critical value at 50
    // draws, 0.3 leaves room for the gamma approximation's own error.
    let sorted = pValues.sorted()
    let ks = sorted.enumerated().map { i, p in max(Double(i + 1) / 50 - p, p - Double(i) / 50) }.max()!
    #expect(ks < 0.3, "p-values \(sorted)")
    #expect(pValues.filter { $0 < 0.05 }.count <= 8)
}

@Test("y = x: normalised HSIC, dCor, bias-corrected dCor² and linear CKA are 1")
func identicalInputsAreMaximal() throws {
    let x = TestData.gaussian(rows: 60, columns: 4, seed: 9)
    #expect(close(try GaussianHSIC()(x, x).normalized, 1, 1e-12))
    #expect(close(try GaussianHSIC()(x, x).normalizedUnbiased, 1, 1e-12))
    let d = try DistanceCorrelation()(x, x)
    #expect(close(d.distanceCorrelation, 1, 1e-12))
    #expect(close(d.uDistanceCorrelationSquared, 1, 1e-12))
    #expect(close(try LinearCKA()(x, x).cka, 1, 1e-12))
}

@Test("A joint permutation of the samples changes no statistic")
func jointPermutationInvariance() throws {
    let x = TestData.gaussian(rows: 70, columns: 6, seed: 11)
    let y = TestData.dependent(on: x, columns: 3, noise: 1, seed: 12)
    var g = SplitMix64(seed: 99)
    let order = (0..<70).map { _ in g.next() }.enumerated().sorted { $0.element < $1.element }.map(\.offset)
    let xp = x.selectingRows(order), yp = y.selectingRows(order)
    let a = try GaussianHSIC()(x, y), b = try GaussianHSIC()(xp, yp)
    for (u, v) in [(a.hsicBiased, b.hsicBiased), (a.hsicUnbiased, b.hsicUnbiased), (a.normalized, b.normalized),
                   (a.normalizedUnbiased, b.normalizedUnbiased), (a.gamma.pValue, b.gamma.pValue),
                   (a.gamma.alpha, b.gamma.alpha), (a.bandwidthX?.sigma ?? .nan, b.bandwidthX?.sigma ?? 0)] {
        #expect(close(u, v, 1e-10))
    }
    let da = try DistanceCorrelation()(x, y), db = try DistanceCorrelation()(xp, yp)
    #expect(close(da.distanceCorrelation, db.distanceCorrelation, 1e-12))
    #expect(close(da.uDistanceCorrelationSquared, db.uDistanceCorrelationSquared, 1e-10))
    #expect(close(try LinearCKA()(x, y).cka, try LinearCKA()(xp, yp).cka, 1e-12))
    let ca = try ChannelCorrelation()(x, channelsX: 6, y, channelsY: 3)
    let cb = try ChannelCorrelation()(xp, channelsX: 6, yp, channelsY: 3)
    #expect(zip(ca.matrix.storage, cb.matrix.storage).allSatisfy { close($0, $1, 1e-12) })
}

@Test("Permutation p-values are identical on 1 and 2 threads for one seed")
func permutationDeterminism() throws {
    let x = TestData.gaussian(rows: 64, columns: 3, seed: 21)
    let y = TestData.dependent(on: x, columns: 2, noise: 3, seed: 22)
    let settings = PermutationSettings(permutations: 199, seed: 7)
    let one = try GaussianHSIC(permutation: settings, threads: 1)(x, y)
    let two = try GaussianHSIC(permutation: settings, threads: 2)(x, y)
    #expect(one == two)
    #expect(one.permutation!.statistic == one.hsicBiased || close(one.permutation!.statistic, one.hsicBiased, 1e-12))
    let d1 = try DistanceCorrelation(permutation: settings, threads: 1)(x, y)
    let d2 = try DistanceCorrelation(permutation: settings, threads: 3)(x, y)
    #expect(d1 == d2)
    let other = try GaussianHSIC(permutation: PermutationSettings(permutations: 199, seed: 8), threads: 2)(x, y)
    #expect(other.permutation!.statistic == one.permutation!.statistic)
}

@Test("Permutation tests detect dependence and accept independence")
func permutationTestPower() throws {
    let x = TestData.gaussian(rows: 60, columns: 2, seed: 31)
    let dependent = TestData.dependent(on: x, columns: 2, noise: 0.1, seed: 32)
    let independent = TestData.gaussian(rows: 60, columns: 2, seed: 33)
    let settings = PermutationSettings(permutations: 99, seed: 1)
    let strong = try GaussianHSIC(permutation: settings)(x, dependent).permutation!
    #expect(strong.exceedances == 0 && strong.pValue == 0.01)
    #expect(try DistanceCorrelation(permutation: settings)(x, dependent).permutation!.pValue == 0.01)
    #expect(try GaussianHSIC(permutation: settings)(x, independent).permutation!.pValue > 0.05)
}

@Test("Biased HSIC is never negative")
func hsicBiasedIsNonNegative() throws {
    for seed in 0..<10 {
        let x = TestData.gaussian(rows: 30, columns: 2, seed: UInt64(seed))
        let y = TestData.gaussian(rows: 30, columns: 2, seed: UInt64(seed + 100))
        let r = try GaussianHSIC(bandwidthX: .fixed(0.5 + Double(seed)))(x, y)
        #expect(r.hsicBiased >= 0 && r.hsicBiasedXX > 0 && r.hsicBiasedYY > 0)
        #expect(r.normalized >= 0 && r.normalized <= 1)
    }
}

@Test("Median-heuristic kernels equal fixed-σ kernels at the chosen σ, with and without distance reuse",
      arguments: [300, 1200])
func medianPathsAgree(n: Int) throws {
    let x = TestData.gaussian(rows: n, columns: 4, seed: 51)
    let y = TestData.dependent(on: x, columns: 3, noise: 1, seed: 52)
    let chosen = try GaussianHSIC()(x, y)
    let sx = try #require(chosen.bandwidthX), sy = try #require(chosen.bandwidthY)
    #expect(sx.sigma == (try MedianHeuristic().choose(x).sigma))
    #expect(sy.rowsUsed == min(n, 1000))
    let fixed = try GaussianHSIC(bandwidthX: .fixed(sx.sigma), bandwidthY: .fixed(sy.sigma))(x, y)
    #expect(close(chosen.hsicBiased, fixed.hsicBiased, 1e-13))
    #expect(close(chosen.hsicUnbiased, fixed.hsicUnbiased, 1e-11))
    #expect(close(chosen.gamma.pValue, fixed.gamma.pValue, 1e-11, floor: 1e-300))
}
