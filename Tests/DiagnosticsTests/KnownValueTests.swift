import Diagnostics
import Foundation
import Linalg
import Testing

// Known values published by the peer packages, each with its source. Where a
// peer rounds to fewer digits, the tolerance is half a unit of its last digit;
// where a doctest truncates with "...", the value must begin with those digits.

/// `value` begins with the decimal digits of `printed` (a doctest's "0.2773500...").
private func begins(_ value: Double, with printed: Double, digits: Int) -> Bool {
    let unit = pow(10, -Double(digits))
    return value >= printed && value < printed + unit
}

/// dcor's docstring example (dcor 0.7, `dcor/_dcor.py`, examples of
/// `distance_covariance_sqr`, `u_distance_covariance_sqr`, `distance_correlation(_sqr)`,
/// `u_distance_correlation_sqr`): n = 4, where the bias-corrected estimator is
/// defined but the gamma test is not.
@Test("dcor 0.7 docstring examples (n = 4)")
func dcorDocstringExamples() throws {
    let a = Matrix<Double>(rows: 4, columns: 4, storage: (1...16).map(Double.init))
    let b = Matrix<Double>(rows: 4, columns: 1, storage: [1, 0, 0, 1])
    let ab = try DistanceCorrelation()(a, b), aa = try DistanceCorrelation()(a, a), bb = try DistanceCorrelation()(b, b)
    #expect(close(aa.covarianceSquared, 52, 1e-14) && close(ab.covarianceSquared, 1, 1e-14))
    #expect(close(bb.covarianceSquared, 0.25, 1e-14))
    #expect(close(aa.uCovarianceSquared, 128.0 / 3, 1e-14) && close(ab.uCovarianceSquared, -8.0 / 3, 1e-14))
    #expect(close(bb.uCovarianceSquared, 2.0 / 3, 1e-14))
    #expect(begins(aa.distanceCovariance, with: 7.2111025, digits: 7) && close(ab.distanceCovariance, 1, 1e-14))
    #expect(begins(ab.distanceCorrelationSquared, with: 0.2773500, digits: 7))
    #expect(close(ab.distanceCorrelationSquared, 1 / 13.0.squareRoot(), 1e-14))
    #expect(begins(ab.distanceCorrelation, with: 0.5266403, digits: 7))
    #expect(close(ab.uDistanceCorrelationSquared, -0.5, 1e-14))            // printed −0.4999999...
    #expect(aa.distanceCorrelation == 1 && close(bb.uDistanceCorrelationSquared, 1, 1e-14))
}

/// dcor's tests (`dcor/tests/test_dcor.py`, `test_distance_correlation_multivariate`,
/// "Compare distance correlation with the energy package", places = 5): n = 3.
@Test("dcor's multivariate comparison with energy (n = 3)")
func dcorMultivariateTest() throws {
    let m1 = Matrix<Double>(rows: 3, columns: 3, storage: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let m2 = Matrix<Double>(rows: 3, columns: 3, storage: [7, 3, 6, 2, 1, 4, 3, 8, 1])
    let m3 = Matrix<Double>(rows: 3, columns: 3, storage: [1, 1, 1, 2, 1, 1, 1, 1, 1])
    let constant = Matrix<Double>(rows: 3, columns: 3, repeating: 1)
    #expect(close(try DistanceCorrelation()(m1, m1).distanceCorrelationSquared, 1, 1e-14))
    #expect(try DistanceCorrelation()(m1, constant).distanceCorrelationSquared == 0)
    #expect(abs(try DistanceCorrelation()(m1, m2).distanceCorrelationSquared - 0.93387) < 5e-6)
    #expect(abs(try DistanceCorrelation()(m1, m3).distanceCorrelationSquared - 0.31623) < 5e-6)
    #expect(try DistanceCorrelation()(m1, m2).uDistanceCorrelationSquared.isNaN)   // needs n ≥ 4
}

/// dcor's tests (`test_distance_correlation_comparison`, places = 5): n = 6, and
/// `test_u_distance_covariance_avl_overflow` (500 zeros and 500 ones).
@Test("dcor's comparison of implementations (n = 6) and its overflow case (n = 1000)")
func dcorComparisonTest() throws {
    let x = Matrix<Double>(rows: 6, columns: 1, storage: [1, 2, 3, 4, 5, 6])
    let y = Matrix<Double>(rows: 6, columns: 1, storage: [1, 7, 5, 5, 6, 2])
    let xy = try DistanceCorrelation()(x, y)
    let expected: [(Double, Double)] = [
        (xy.uCovarianceSquared, -0.88889), (xy.uDistanceCorrelationSquared, -0.41613),
        (xy.uVarianceSquaredX, 1.55556), (xy.uVarianceSquaredY, 2.93333),
        (xy.covarianceSquared, 0.68519), (xy.distanceCorrelationSquared, 0.30661),
        (xy.varianceSquaredX, 1.70679), (xy.varianceSquaredY, 2.92593),
    ]
    for (actual, published) in expected { #expect(abs(actual - published) < 5e-6, "\(actual) vs \(published)") }
    let binary = Matrix<Double>(rows: 1000, columns: 1, storage: (0..<1000).map { $0 < 500 ? 0 : 1 })
    #expect(abs(try DistanceCorrelation(maxSamples: 1000)(binary, binary).uCovarianceSquared - 0.25050) < 5e-6)
}

/// hyppo's regression input (`hyppo/independence/tests/test_dcorr.py`,
/// `test_dcorr_sqrt_bug`): `Dcorr(bias=True)` of x = 1…5, y = (1, 2, 9, 4, 4) is
/// 0.762676242417 — the biased distance correlation dCor itself (not dCor²),
/// at n = 5.
@Test("hyppo's Dcorr regression value is the biased dCor (n = 5)")
func hyppoDcorrValue() throws {
    let x = Matrix<Double>(rows: 5, columns: 1, storage: [1, 2, 3, 4, 5])
    let y = Matrix<Double>(rows: 5, columns: 1, storage: [1, 2, 9, 4, 4])
    #expect(close(try DistanceCorrelation()(x, y).distanceCorrelation, 0.762676242417, 1e-11))
}

/// Fisher's iris, rows 1–100 (setosa, versicolor), from R's `datasets/data/iris.R`.
private let iris = Matrix<Double>(rows: 100, columns: 4, storage: [
        5.1, 3.5, 1.4, 0.2, 4.9, 3.0, 1.4, 0.2, 4.7, 3.2, 1.3, 0.2,
        4.6, 3.1, 1.5, 0.2, 5.0, 3.6, 1.4, 0.2, 5.4, 3.9, 1.7, 0.4,
        4.6, 3.4, 1.4, 0.3, 5.0, 3.4, 1.5, 0.2, 4.4, 2.9, 1.4, 0.2,
        4.9, 3.1, 1.5, 0.1, 5.4, 3.7, 1.5, 0.2, 4.8, 3.4, 1.6, 0.2,
        4.8, 3.0, 1.4, 0.1, 4.3, 3.0, 1.1, 0.1, 5.8, 4.0, 1.2, 0.2,
        5.7, 4.4, 1.5, 0.4, 5.4, 3.9, 1.3, 0.4, 5.1, 3.5, 1.4, 0.3,
        5.7, 3.8, 1.7, 0.3, 5.1, 3.8, 1.5, 0.3, 5.4, 3.4, 1.7, 0.2,
        5.1, 3.7, 1.5, 0.4, 4.6, 3.6, 1.0, 0.2, 5.1, 3.3, 1.7, 0.5,
        4.8, 3.4, 1.9, 0.2, 5.0, 3.0, 1.6, 0.2, 5.0, 3.4, 1.6, 0.4,
        5.2, 3.5, 1.5, 0.2, 5.2, 3.4, 1.4, 0.2, 4.7, 3.2, 1.6, 0.2,
        4.8, 3.1, 1.6, 0.2, 5.4, 3.4, 1.5, 0.4, 5.2, 4.1, 1.5, 0.1,
        5.5, 4.2, 1.4, 0.2, 4.9, 3.1, 1.5, 0.2, 5.0, 3.2, 1.2, 0.2,
        5.5, 3.5, 1.3, 0.2, 4.9, 3.6, 1.4, 0.1, 4.4, 3.0, 1.3, 0.2,
        5.1, 3.4, 1.5, 0.2, 5.0, 3.5, 1.3, 0.3, 4.5, 2.3, 1.3, 0.3,
        4.4, 3.2, 1.3, 0.2, 5.0, 3.5, 1.6, 0.6, 5.1, 3.8, 1.9, 0.4,
        4.8, 3.0, 1.4, 0.3, 5.1, 3.8, 1.6, 0.2, 4.6, 3.2, 1.4, 0.2,
        5.3, 3.7, 1.5, 0.2, 5.0, 3.3, 1.4, 0.2, 7.0, 3.2, 4.7, 1.4,
        6.4, 3.2, 4.5, 1.5, 6.9, 3.1, 4.9, 1.5, 5.5, 2.3, 4.0, 1.3,
        6.5, 2.8, 4.6, 1.5, 5.7, 2.8, 4.5, 1.3, 6.3, 3.3, 4.7, 1.6,
        4.9, 2.4, 3.3, 1.0, 6.6, 2.9, 4.6, 1.3, 5.2, 2.7, 3.9, 1.4,
        5.0, 2.0, 3.5, 1.0, 5.9, 3.0, 4.2, 1.5, 6.0, 2.2, 4.0, 1.0,
        6.1, 2.9, 4.7, 1.4, 5.6, 2.9, 3.6, 1.3, 6.7, 3.1, 4.4, 1.4,
        5.6, 3.0, 4.5, 1.5, 5.8, 2.7, 4.1, 1.0, 6.2, 2.2, 4.5, 1.5,
        5.6, 2.5, 3.9, 1.1, 5.9, 3.2, 4.8, 1.8, 6.1, 2.8, 4.0, 1.3,
        6.3, 2.5, 4.9, 1.5, 6.1, 2.8, 4.7, 1.2, 6.4, 2.9, 4.3, 1.3,
        6.6, 3.0, 4.4, 1.4, 6.8, 2.8, 4.8, 1.4, 6.7, 3.0, 5.0, 1.7,
        6.0, 2.9, 4.5, 1.5, 5.7, 2.6, 3.5, 1.0, 5.5, 2.4, 3.8, 1.1,
        5.5, 2.4, 3.7, 1.0, 5.8, 2.7, 3.9, 1.2, 6.0, 2.7, 5.1, 1.6,
        5.4, 3.0, 4.5, 1.5, 6.0, 3.4, 4.5, 1.6, 6.7, 3.1, 4.7, 1.5,
        6.3, 2.3, 4.4, 1.3, 5.6, 3.0, 4.1, 1.3, 5.5, 2.5, 4.0, 1.3,
        5.5, 2.6, 4.4, 1.2, 6.1, 3.0, 4.6, 1.4, 5.8, 2.6, 4.0, 1.2,
        5.0, 2.3, 3.3, 1.0, 5.6, 2.7, 4.2, 1.3, 5.7, 3.0, 4.2, 1.2,
        5.7, 2.9, 4.2, 1.3, 6.2, 2.9, 4.3, 1.3, 5.1, 2.5, 3.0, 1.1,
        5.7, 2.8, 4.1, 1.3,
])

/// R energy's documented examples (pkgdown output of `dcov.test`, `dcovU_stats`,
/// `U_product`, energy's `docs/reference/*.html`): x = iris[1:50, 1:4] against
/// y = iris[51:100, 1:4], and iris[1:10] against iris[11:20] (n = 10).
@Test("R energy's documented iris examples")
func energyIrisExamples() throws {
    let d = try DistanceCorrelation()(iris.rows(0..<50), iris.rows(50..<100))
    #expect(abs(d.distanceCovariance - 0.1025087) < 5e-8)                // dCov
    #expect(abs(d.distanceCorrelation - 0.3060479) < 5e-8)               // dCor
    #expect(abs(d.varianceSquaredX.squareRoot() - 0.2712927) < 5e-8)     // dVar(X)
    #expect(abs(d.varianceSquaredY.squareRoot() - 0.4135274) < 5e-8)     // dVar(Y)
    #expect(abs(d.uCovarianceSquared - -0.002748351) < 5e-10)            // dCovU
    #expect(abs(d.uDistanceCorrelationSquared - -0.027170902) < 5e-10)   // bcdcor
    #expect(abs(d.uVarianceSquaredX - 0.065242693) < 5e-10 && abs(d.uVarianceSquaredY - 0.156821104) < 5e-10)
    let small = try DistanceCorrelation()(iris.rows(0..<10), iris.rows(10..<20))
    #expect(abs(small.uCovarianceSquared - 0.01008021) < 5e-9)            // U_product
    #expect(abs(small.uDistanceCorrelationSquared - 0.15335234) < 5e-9)   // bcdcor
    #expect(abs(small.uVarianceSquaredX - 0.03774546) < 5e-9 && abs(small.uVarianceSquaredY - 0.11447062) < 5e-9)
}

/// Kornblith et al.'s CKA demo notebook (google-research/google-research,
/// `representation_similarity/Demo.ipynb`): "Linear CKA from Features: 0.55761"
/// and "RBF CKA: 0.65483", the latter with σ² = 0.5²·median of the squared
/// distances over all n² pairs (diagonal zeros included), the notebook's
/// `gram_rbf(x, threshold=0.5)`.
@Test("Kornblith et al.'s CKA notebook: linear 0.55761, RBF 0.65483")
func kornblithNotebookValues() throws {
    let (x, y) = (KornblithDemoData.x, KornblithDemoData.y)
    #expect(abs(try LinearCKA()(x, y).cka - 0.55761) < 5e-6)
    func notebookSigma(_ m: Matrix<Double>) -> Double {
        var squared = Reference.squaredDistances(m).flatMap { $0 }
        squared.sort()
        let median = (squared[squared.count / 2 - 1] + squared[squared.count / 2]) / 2
        return 0.5 * median.squareRoot()
    }
    let rbf = try GaussianHSIC(bandwidthX: .fixed(notebookSigma(x)), bandwidthY: .fixed(notebookSigma(y)))(x, y)
    #expect(abs(rbf.normalized - 0.65483) < 5e-6)
}
