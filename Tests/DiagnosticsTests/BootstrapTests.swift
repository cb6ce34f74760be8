import Diagnostics
import Linalg
import SeededRandom
import Testing

/// The rows of bootstrap resample r: what `BootstrapSettings` promises.
private func resampleRows(_ n: Int, seed: UInt64, resample r: Int) -> [Int] {
    var generator = SplitMix64(seed: seed, stream: r)
    return generator.sampleWithReplacement(n, from: n)
}

private func replicates(_ estimate: MeasureEstimate?) throws -> [Double] {
    try #require(estimate?.replicates).values
}

/// The U-statistic of Song et al. (2012) over ordered 4-tuples of distinct samples,
/// each weighted by the product of its samples' resample counts: by brute force.
private func distinctTupleU(_ k: [[Double]], _ l: [[Double]], _ w: [Double]) -> Double {
    let n = k.count
    var total = 0.0, weight = 0.0
    for i in 0..<n where w[i] > 0 {
        for j in 0..<n where j != i && w[j] > 0 {
            for q in 0..<n where q != i && q != j && w[q] > 0 {
                for r in 0..<n where r != i && r != j && r != q && w[r] > 0 {
                    let product = w[i] * w[j] * w[q] * w[r]
                    total += product * (k[i][j] * l[i][j] + k[i][j] * l[q][r] - 2 * k[i][j] * l[i][q])
                    weight += product
                }
            }
        }
    }
    return total / weight
}

@Test("Each replicate is the statistic of its resample: V-statistics on the gathered rows, U-statistics over distinct samples")
func replicatesEqualGatheredResamples() throws {
    let n = 16
    let x = TestData.gaussian(rows: n, columns: 3, seed: 61)
    let y = TestData.dependent(on: x, columns: 2, noise: 0.7, seed: 62)
    let settings = BootstrapSettings(resamples: 6, seed: 9)
    let hsic = try GaussianHSIC(bandwidthX: .fixed(1.7), bandwidthY: .fixed(0.9), bootstrap: settings)(x, y)
    let dcor = try DistanceCorrelation(bootstrap: settings)(x, y)
    let cka = try LinearCKA(bootstrap: settings)(x, y)
    let wide = TestData.gaussian(rows: n, columns: 40, seed: 63)   // p > n: the kernel route
    let ckaKernels = try LinearCKA(bootstrap: settings)(wide, y)
    let cc = try ChannelCorrelation(bootstrap: settings)(x, channelsX: 3, y, channelsY: 2)
    for r in 0..<settings.resamples {
        let rows = resampleRows(n, seed: 9, resample: r)
        let (xr, yr) = (x.selectingRows(rows), y.selectingRows(rows))
        let h = try GaussianHSIC(bandwidthX: .fixed(1.7), bandwidthY: .fixed(0.9))(xr, yr)
        #expect(close(try replicates(hsic.estimate(.hsicBiased))[r], h.hsicBiased, 1e-11))
        let counts = (0..<n).map { i in Double(rows.filter { $0 == i }.count) }
        let (k, l) = (Reference.gaussian(x, sigma: 1.7), Reference.gaussian(y, sigma: 0.9))
        #expect(close(try replicates(hsic.estimate(.hsicUnbiased))[r], distinctTupleU(k, l, counts), 1e-9))
        #expect(close(try replicates(hsic.estimate(.hsicNormalized))[r], h.normalized, 1e-11))
        let d = try DistanceCorrelation()(xr, yr)
        #expect(close(try replicates(dcor.estimate(.distanceCorrelation))[r], d.distanceCorrelation, 1e-11))
        let (da, db) = (Reference.distances(x), Reference.distances(y))
        let u2 = distinctTupleU(da, db, counts)
            / (distinctTupleU(da, da, counts) * distinctTupleU(db, db, counts)).squareRoot()
        #expect(close(try replicates(dcor.estimate(.distanceCorrelationU2))[r], u2, 1e-9))
        #expect(close(try replicates(cka.estimate(.ckaLinear))[r], try LinearCKA()(xr, yr).cka, 1e-11))
        #expect(close(try replicates(ckaKernels.estimate(.ckaLinear))[r],
                      try LinearCKA()(wide.selectingRows(rows), yr).cka, 1e-10))
        let c = try ChannelCorrelation()(xr, channelsX: 3, yr, channelsY: 2)
        #expect(close(try replicates(cc.estimate(.crosscorrMeanAbs))[r], c.meanAbs, 1e-12))
        #expect(close(try replicates(cc.estimate(.crosscorrMaxAbs))[r], c.maxAbs, 1e-12))
    }
}

@Test("Bootstrap intervals are deterministic for a seed and identical on 1 and 2 threads")
func bootstrapDeterminism() throws {
    let x = TestData.gaussian(rows: 80, columns: 4, seed: 71)
    let y = TestData.dependent(on: x, columns: 3, noise: 1, seed: 72)
    let settings = BootstrapSettings(resamples: 50, seed: 5)
    let one = try DependenceMeasures(bootstrap: settings, threads: 1)(.continuous(x), .continuous(y))
    let two = try DependenceMeasures(bootstrap: settings, threads: 2)(.continuous(x), .continuous(y))
    #expect(one == two)
    let again = try DependenceMeasures(bootstrap: settings, threads: 2)(.continuous(x), .continuous(y))
    #expect(again == two)
    let other = try DependenceMeasures(bootstrap: BootstrapSettings(resamples: 50, seed: 6), threads: 2)(
        .continuous(x), .continuous(y))
    #expect(other.estimate(.distanceCorrelation)?.interval != two.estimate(.distanceCorrelation)?.interval)
    #expect(other.estimate(.distanceCorrelation)?.value == two.estimate(.distanceCorrelation)?.value)
    for estimate in two.estimates {
        let interval = try #require(estimate.interval, "\(estimate.measure.rawValue) has no interval")
        let method = estimate.measure == .crosscorrMaxAbs ? "bootstrap-max-t" : "bootstrap-basic"
        #expect(interval.methodLabel == "\(method):50:0.95" && interval.replicatesUsed == 50)
    }
}

/// "Ordinary": a clear dependence at n = 300, where each estimator's bias is
/// small beside its sampling spread (compare the next test).
@Test("In the ordinary case every interval contains its estimate")
func intervalsContainTheEstimate() throws {
    for seed in UInt64(0)..<5 {
        let x = TestData.gaussian(rows: 300, columns: 5, seed: 80 + seed)
        let y = TestData.dependent(on: x, columns: 4, noise: 0.5, seed: 90 + seed)
        let report = try DependenceMeasures(bootstrap: BootstrapSettings(resamples: 200, seed: seed))(
            .continuous(x), .continuous(y))
        for estimate in report.estimates {
            let interval = try #require(estimate.interval)
            #expect(interval.contains(estimate.value), "\(estimate.measure.rawValue) \(estimate.value) \(interval)")
            #expect(interval.low < interval.high)
        }
    }
}

/// When the resampling bias exceeds the replicates' spread, the basic interval —
/// which subtracts that bias — lies entirely below the estimate. Independent
/// data at small n is the case: the V-statistic dCor of a resample is inflated
/// by its repeated rows (distance 0 within a copy) while the estimate is not.
@Test("A strongly biased estimate can lie outside its basic interval: dCor of independent data at small n")
func biasCorrectedIntervalCanExcludeTheEstimate() throws {
    var excluded = 0
    for seed in UInt64(0)..<10 {
        let x = TestData.gaussian(rows: 30, columns: 5, seed: 300 + seed)
        let y = TestData.gaussian(rows: 30, columns: 5, seed: 400 + seed)
        let d = try DistanceCorrelation(bootstrap: BootstrapSettings(resamples: 200, seed: seed))(x, y)
        let estimate = try #require(d.estimate(.distanceCorrelation))
        let values = try replicates(estimate)
        // The replicates sit above the estimate: the bootstrap sees the bias …
        #expect(values.reduce(0, +) / Double(values.count) > estimate.value)
        let interval = try #require(estimate.interval)
        if !interval.contains(estimate.value) {
            excluded += 1
            #expect(interval.high < estimate.value)   // … and the interval is moved below it.
        }
    }
    #expect(excluded >= 5, "the basic interval excluded the dCor estimate in \(excluded) of 10 independent samples")
}

@Test("Paired bootstrap: the difference is raw − other exactly, its replicates are the replicates' differences")
func pairedDifference() throws {
    let x = TestData.gaussian(rows: 120, columns: 4, seed: 101)
    let g = TestData.dependent(on: x, columns: 3, noise: 0.5, seed: 102)
    let residual = TestData.dependent(on: x, columns: 4, noise: 0.8, seed: 103)  // a weaker dependence on the same rows
    let settings = BootstrapSettings(resamples: 100, seed: 11)
    let measures = DependenceMeasures(bootstrap: settings)
    let raw = try measures(.continuous(x), .continuous(g))
    let other = try measures(.continuous(residual), .continuous(g))
    for measure in Measure.allCases {
        let a = try #require(raw.estimate(measure)), b = try #require(other.estimate(measure))
        let difference = try PairedDifference.between(a, b)
        #expect(difference.value == a.value - b.value)
        let expected = zip(try replicates(a), try replicates(b)).map { $0 - $1 }
        #expect(try replicates(difference) == expected)
        let interval = try #require(difference.interval)
        #expect(interval.contains(difference.value), "\(measure.rawValue) \(difference.value) \(interval)")
    }
    // Pairing cancels the shared sampling variation: the interval of the difference of dCor
    // is narrower than the sum of the half-widths of the two stages' intervals.
    let a = try #require(raw.estimate(.distanceCorrelation)), b = try #require(other.estimate(.distanceCorrelation))
    let d = try #require(try PairedDifference.between(a, b).interval)
    let (ia, ib) = (try #require(a.interval), try #require(b.interval))
    #expect(d.high - d.low < (ia.high - ia.low) + (ib.high - ib.low))
    let unpaired = try DependenceMeasures(bootstrap: BootstrapSettings(resamples: 100, seed: 12))(
        .continuous(residual), .continuous(g))
    #expect(throws: DiagnosticsError.self) {
        try PairedDifference.between(a, try #require(unpaired.estimate(.distanceCorrelation)))
    }
    #expect(throws: DiagnosticsError.self) { try PairedDifference.between(a, try #require(raw.estimate(.ckaLinear))) }
}

@Test("Basic interval: the reflected quantiles of the replicates, clipped to the measure's range")
func basicIntervalFormula() throws {
    // 101 replicates 0, 0.01, …, 1: the 2.5 % and 97.5 % quantiles are 0.025 and 0.975 (type 7).
    let x = TestData.gaussian(rows: 60, columns: 2, seed: 111)
    let y = TestData.dependent(on: x, columns: 2, noise: 0.3, seed: 112)
    let cka = try LinearCKA(bootstrap: BootstrapSettings(resamples: 101, seed: 1, confidence: 0.9))(x, y)
    let estimate = try #require(cka.estimate(.ckaLinear))
    let sorted = try replicates(estimate).sorted()
    let (low, high) = (sorted[5], sorted[95])                    // (101 − 1)·0.05 = 5 exactly
    let interval = try #require(estimate.interval)
    #expect(close(interval.high, min(1, 2 * estimate.value - low), 1e-15))
    #expect(close(interval.low, max(0, 2 * estimate.value - high), 1e-15))
    #expect(interval.methodLabel == "bootstrap-basic:101:0.9")
}
