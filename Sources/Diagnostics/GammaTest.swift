/// The HSIC independence test of Gretton et al. (2008) with the null
/// distribution of n·HSIC_b approximated by a two-parameter gamma
/// (`hsicTestGamma.m`), from the centred Gaussian kernels Kc = HKH, Lc = HLH:
/// ```
/// testStat = n·HSIC_b = Σ Kc∘Lc / n
/// varHSIC  = 72(n−4)(n−5) / (n(n−1)(n−2)(n−3)) · Σ_{i≠j} (Kcᵢⱼ·Lcᵢⱼ/6)² / (n(n−1))
/// μx = (ΣK − tr K)/(n(n−1)),  μy likewise
/// mHSIC = (1 + μx·μy − μx − μy)/n
/// α = mHSIC²/varHSIC,  β = varHSIC·n/mHSIC,  p = P(Gamma(α, scale β) > testStat)
/// ```
/// A constant operand (with a fixed σ) makes varHSIC 0 (and mHSIC 0 up to round-off): α, β and the
/// p-values are then NaN — there is no null distribution to speak of.
public struct GammaTestResult: Sendable, Equatable {
    public let testStatistic: Double
    public let varianceHSIC: Double
    public let muX: Double
    public let muY: Double
    public let meanHSIC: Double
    /// Shape α of the approximating gamma distribution.
    public let alpha: Double
    /// Scale β of the approximating gamma distribution.
    public let beta: Double
    /// Upper tail Q(α, testStat/β), accurate down to ~1e-300 (`scipy.stats.gamma.sf`).
    public let pValue: Double
    /// 1 − CDF as the MATLAB reference computes it: 0 once p < ~1e-16.
    public let pValueOneMinusCDF: Double

    init(n: Int, sums: CentredProducts, kTotal: Double, lTotal: Double) {
        let nd = Double(n)
        testStatistic = sums.vKL / nd
        let meanSquare = sums.vKLSquaredOffDiagonal / 36 / (nd * (nd - 1))
        varianceHSIC = 72 * (nd - 4) * (nd - 5) / (nd * (nd - 1) * (nd - 2) * (nd - 3)) * meanSquare
        // Gaussian kernels have a unit diagonal: tr K = n.
        muX = (kTotal - nd) / (nd * (nd - 1))
        muY = (lTotal - nd) / (nd * (nd - 1))
        meanHSIC = (1 + muX * muY - muX - muY) / nd
        // mHSIC of a constant operand is 0 up to round-off; decide on the exact variance.
        guard varianceHSIC > 0, meanHSIC > 0 else {
            (alpha, beta, pValue, pValueOneMinusCDF) = (.nan, .nan, .nan, .nan)
            return
        }
        alpha = meanHSIC * meanHSIC / varianceHSIC
        beta = varianceHSIC * nd / meanHSIC
        pValue = IncompleteGamma.upper(a: alpha, x: testStatistic / beta)
        pValueOneMinusCDF = 1 - IncompleteGamma.lower(a: alpha, x: testStatistic / beta)
    }
}
