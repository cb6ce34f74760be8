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
/// Degenerate cases, decided explicitly: a constant operand makes testStat 0
/// by construction and its null distribution a point mass at 0, so p = 1
/// (α, β NaN, `reason` says why). Below 6 samples the variance formula's
/// (n−4)(n−5) vanishes and the test is unavailable (every field NaN, `reason`).
/// The kernels must have a unit diagonal (Gaussian, delta).
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
    /// Why the test is degenerate or unavailable; nil for an ordinary result.
    public let reason: String?

    /// The gamma test needs n ≥ 6 ((n−4)(n−5) in its variance).
    public static let minimumSamples = 6

    init(n: Int, sums: CentredProducts, kTotal: Double, lTotal: Double, constantOperand: String?) {
        let nd = Double(n)
        guard n >= Self.minimumSamples else {
            (testStatistic, varianceHSIC, muX, muY, meanHSIC) = (.nan, .nan, .nan, .nan, .nan)
            (alpha, beta, pValue, pValueOneMinusCDF) = (.nan, .nan, .nan, .nan)
            reason = "the gamma test needs at least \(Self.minimumSamples) samples (n = \(n))"
            return
        }
        testStatistic = sums.vKL / nd
        let meanSquare = sums.vKLSquaredOffDiagonal / 36 / (nd * (nd - 1))
        varianceHSIC = 72 * (nd - 4) * (nd - 5) / (nd * (nd - 1) * (nd - 2) * (nd - 3)) * meanSquare
        // Gaussian kernels have a unit diagonal: tr K = n.
        muX = (kTotal - nd) / (nd * (nd - 1))
        muY = (lTotal - nd) / (nd * (nd - 1))
        meanHSIC = (1 + muX * muY - muX - muY) / nd
        if let constantOperand {
            (alpha, beta, pValue, pValueOneMinusCDF) = (.nan, .nan, 1, 1)
            reason = "\(constantOperand) is constant: the statistic is 0 by construction"
            return
        }
        guard varianceHSIC > 0, meanHSIC > 0 else {
            (alpha, beta, pValue, pValueOneMinusCDF) = (.nan, .nan, .nan, .nan)
            reason = "the null distribution's variance or mean is 0"
            return
        }
        reason = nil
        alpha = meanHSIC * meanHSIC / varianceHSIC
        beta = varianceHSIC * nd / meanHSIC
        pValue = IncompleteGamma.upper(a: alpha, x: testStatistic / beta)
        pValueOneMinusCDF = 1 - IncompleteGamma.lower(a: alpha, x: testStatistic / beta)
    }
}
