/// The six inner products of two centred n×n matrices A, B (kernels or distance
/// matrices) from which every kernel measure follows, whether they come from
/// the full sample (`CentredProducts`), a bootstrap resample
/// (`resampledProducts`) or one stratum.
/// ```
/// vAB = Σᵢⱼ Ac∘Bc          (Ac = HAH; V-statistics)
/// uAB = Σ_{i≠j} Au∘Bu      (Au the U-centred A; U-statistics, Székely & Rizzo 2014)
/// ```
/// Ratios are formed as products of square roots, never √(vAA·vBB), so no
/// intermediate squares the magnitudes of the operands.
struct PairProducts: Sendable, Equatable {
    var n: Int
    var vAB: Double, vAA: Double, vBB: Double
    /// NaN for n < 4.
    var uAB: Double, uAA: Double, uBB: Double

    init(n: Int, vAB: Double, vAA: Double, vBB: Double, uAB: Double, uAA: Double, uBB: Double) {
        self.n = n
        (self.vAB, self.vAA, self.vBB) = (vAB, vAA, vBB)
        (self.uAB, self.uAA, self.uBB) = (uAB, uAA, uBB)
    }

    init(_ p: CentredProducts, n: Int) {
        self.init(n: n, vAB: p.vKL, vAA: p.vKK, vBB: p.vLL, uAB: p.uKL, uAA: p.uKK, uBB: p.uLL)
    }

    private var nd: Double { Double(n) }

    /// HSIC_b = vAB/n² (or dCov²ₙ for distance matrices).
    var biased: Double { vAB / (nd * nd) }
    var biasedXX: Double { vAA / (nd * nd) }
    var biasedYY: Double { vBB / (nd * nd) }
    /// HSIC_u = uAB/(n(n−3)) (or the unbiased dCov²).
    var unbiased: Double { n >= 4 ? uAB / (nd * (nd - 3)) : .nan }
    var unbiasedXX: Double { n >= 4 ? uAA / (nd * (nd - 3)) : .nan }
    var unbiasedYY: Double { n >= 4 ? uBB / (nd * (nd - 3)) : .nan }

    /// vAB/√(vAA·vBB): CKA, normalised HSIC. 0/0 = NaN for a constant operand.
    var normalized: Double { vAB / (vAA.squareRoot() * vBB.squareRoot()) }
    /// uAB/√(uAA·uBB); NaN when a self-term is not positive.
    var normalizedUnbiased: Double { uAB / (uAA.squareRoot() * uBB.squareRoot()) }
    /// dCor = √(vAB/√(vAA·vBB)), 0 when the denominator is 0 (Székely et al.
    /// 2007's definition, as dcor and energy implement it).
    var distanceCorrelation: Double { max(0, distanceCorrelationSquared).squareRoot() }
    var distanceCorrelationSquared: Double {
        let d = vAA.squareRoot() * vBB.squareRoot()
        return d == 0 ? 0 : vAB / d
    }
    /// Bias-corrected dCor² = uAB/√|uAA·uBB|, 0 when the denominator is 0.
    var distanceCorrelationU2: Double {
        guard n >= 4 else { return .nan }
        let d = abs(uAA).squareRoot() * abs(uBB).squareRoot()
        return d == 0 ? 0 : uAB / d
    }
}
