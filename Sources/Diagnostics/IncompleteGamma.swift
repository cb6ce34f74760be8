import Foundation

/// Regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x).
///
/// ```
/// P(a, x) = γ(a, x)/Γ(a),   Q(a, x) = Γ(a, x)/Γ(a),   a > 0, x ≥ 0
/// ```
/// Implementation goals, in order: relative accuracy of the smaller of the two
/// tails down to the subnormal range (a gamma-test p-value of 1e-200 must come
/// out as 1e-200, not 0), then speed. The series for P is used for x < a + 1,
/// the continued fraction for Q (modified Lentz) otherwise, each returning the
/// tail it computes directly; the common factor xᵃe⁻ˣ/Γ(a) is evaluated in log
/// space so it cannot overflow or underflow before the final `exp`.
/// (Numerical Recipes, 3rd ed., §6.2; Press et al. 2007.)
enum IncompleteGamma {
    /// Q(a, x), the upper tail: `scipy.stats.gamma.sf(x, a)`.
    static func upper(a: Double, x: Double) -> Double {
        guard a > 0, x >= 0, a.isFinite, !x.isNaN else { return .nan }
        if x == 0 { return 1 }
        if x == .infinity { return 0 }
        if x < a + 1 { return 1 - lowerSeries(a: a, x: x) }
        return upperContinuedFraction(a: a, x: x)
    }

    /// P(a, x), the lower tail: `scipy.stats.gamma.cdf(x, a)`.
    static func lower(a: Double, x: Double) -> Double {
        guard a > 0, x >= 0, a.isFinite, !x.isNaN else { return .nan }
        if x == 0 { return 0 }
        if x == .infinity { return 1 }
        if x < a + 1 { return lowerSeries(a: a, x: x) }
        return 1 - upperContinuedFraction(a: a, x: x)
    }

    /// log(xᵃ e⁻ˣ / Γ(a)).
    private static func logPrefactor(a: Double, x: Double) -> Double {
        a * log(x) - x - lgamma(a)
    }

    /// P(a, x) = xᵃe⁻ˣ/Γ(a+1) · Σₖ xᵏ/((a+1)…(a+k)); terms shrink once k > x − a.
    private static func lowerSeries(a: Double, x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var ap = a
        for _ in 0..<100_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * Double.ulpOfOne { break }
        }
        return exp(logPrefactor(a: a, x: x) + log(sum))
    }

    /// Q(a, x) = xᵃe⁻ˣ/Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))).
    private static func upperContinuedFraction(a: Double, x: Double) -> Double {
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < Double.ulpOfOne { break }
        }
        return exp(logPrefactor(a: a, x: x) + log(h))
    }
}
