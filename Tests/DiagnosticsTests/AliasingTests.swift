import Diagnostics
import Linalg
import Testing

/// dcor's integer-overflow test data (`dcor/tests/test_dcor.py`, `test_integer_overflow`,
/// issue #59): x = (1, 2, 3) and y = (10, 20, 5) repeated, here 10000 times (n = 30000).
private func periodicRows(_ repeats: Int) -> (x: Matrix<Double>, y: Matrix<Double>) {
    let x: [Double] = (0..<repeats).flatMap { _ in [1, 2, 3] }
    let y: [Double] = (0..<repeats).flatMap { _ in [10, 20, 5] }
    return (Matrix(rows: x.count, columns: 1, storage: x), Matrix(rows: y.count, columns: 1, storage: y))
}

/// Periodic row orders alias with an evenly strided subsample: with n/m a
/// multiple of the period, every strided row comes from one phase, x is
/// constant and dCor is 0. The seeded random subsample (the default) is
/// independent of the row order.
///
/// Full-data reference: the three rows repeat equally often, so every
/// V-statistic of the 30000 rows equals that of the three distinct rows (a
/// V-statistic depends on the empirical distribution only); the full data's
/// median distances are σx = 1 and σy = 5 (a third of the pairs at 0, then
/// 2/9 at 1 for x; 1/3 at 0 and 2/9 at 5 for y). The subsample's phase counts
/// are multinomial: at m = 2000 each share is 1/3 ± 0.011, which moves these
/// statistics by about 0.01; the tolerance allows three times that.
@Test("Period-3 rows (n = 30000): the subsample's statistics are those of the full data within sampling error")
func periodicRowsDoNotAlias() throws {
    let (x, y) = periodicRows(10_000)
    let three = periodicRows(1)
    let fullDCor = try DistanceCorrelation()(three.x, three.y).distanceCorrelation
    #expect(abs(fullDCor - 0.76220) < 5e-6)              // dcor's own test: ≈ 0.7622 for this data
    let fullHSIC = try GaussianHSIC(bandwidthX: .fixed(1), bandwidthY: .fixed(5))(three.x, three.y)

    let report = try DependenceMeasures(maxSamples: 2000)(.continuous(x), .continuous(y))
    #expect(report.subsample.used == 2000 && report.subsample.total == 30_000 && report.subsample.method == .default)
    #expect(report.warnings.isEmpty, "\(report.warnings)")
    let sx = try #require(report.hsic?.bandwidthX), sy = try #require(report.hsic?.bandwidthY)
    #expect(close(sx.sigma, 1, 1e-12) && close(sy.sigma, 5, 1e-12) && sx.rowsUsed == 1000 && !sx.positiveDistancesOnly)
    func value(_ m: Measure) throws -> Double { try #require(report.estimate(m)).value }
    #expect(abs(try value(.distanceCorrelation) - fullDCor) < 0.03)
    #expect(abs(try value(.distanceCorrelationU2) - fullDCor * fullDCor) < 0.03)
    #expect(abs(try value(.hsicBiased) - fullHSIC.hsicBiased) < 0.03 * fullHSIC.hsicBiased)
    #expect(abs(try value(.hsicNormalized) - fullHSIC.normalized) < 0.03)
    #expect(abs(try value(.ckaLinear) - (try LinearCKA()(three.x, three.y).cka)) < 0.03)

    // The strided rule on the same data: every row of one phase, x constant, nothing measured.
    let strided = try DependenceMeasures(maxSamples: 2000, subsampleMethod: .strided)(.continuous(x), .continuous(y))
    #expect(try #require(strided.estimate(.distanceCorrelation)).value == 0)
    #expect(strided.warnings.contains { $0.kind == .constantOperand })
}
