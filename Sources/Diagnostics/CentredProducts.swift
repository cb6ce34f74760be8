/// Inner products of two doubly centred symmetric matrices K and L, both
/// centrings at once, from their upper triangles and row sums (one pass).
///
/// V-centring (biased statistics): Kc = HKH, H = I − 11ᵀ/n, i.e.
/// ```
/// Kcᵢⱼ = Kᵢⱼ − rᵢ/n − rⱼ/n + S/n²        (r = row sums, S = Σr)
/// ```
/// U-centring (Székely & Rizzo 2014) of K̃ = K with zeroed diagonal, i ≠ j:
/// ```
/// Kuᵢⱼ = K̃ᵢⱼ − r̃ᵢ/(n−2) − r̃ⱼ/(n−2) + S̃/((n−1)(n−2))
/// ```
/// Σ_{i≠j} Ku∘Lu / (n(n−3)) is the unbiased HSIC of Song et al. (2012) and the
/// unbiased dCov² of Székely & Rizzo (2014). Centring element by element avoids
/// the cancellation of the expanded trace formulas.
struct CentredProducts: Sendable {
    /// Σᵢⱼ Kc∘Lc, Σ Kc∘Kc, Σ Lc∘Lc over all i, j.
    var vKL = 0.0, vKK = 0.0, vLL = 0.0
    /// Σ_{i≠j} (Kc∘Lc)² (the gamma test's variance).
    var vKLSquaredOffDiagonal = 0.0
    /// Σ_{i≠j} Ku∘Lu, Ku∘Ku, Lu∘Lu.
    var uKL = 0.0, uKK = 0.0, uLL = 0.0

    fileprivate static let count = 7
    init() {}
    fileprivate init(_ v: ArraySlice<Double>, unbiasedDefined: Bool) {
        let b = v.startIndex
        (vKL, vKK, vLL, vKLSquaredOffDiagonal) = (v[b], v[b + 1], v[b + 2], v[b + 3])
        (uKL, uKK, uLL) = unbiasedDefined ? (v[b + 4], v[b + 5], v[b + 6]) : (.nan, .nan, .nan)
    }

    /// The products with a constant operand set to their exact value 0: its
    /// centred kernel is 0, but the U-centring of an all-ones matrix leaves
    /// round-off of order ε that would otherwise survive as a spurious number.
    func zeroing(x: Bool, y: Bool) -> CentredProducts {
        var p = self
        if x { (p.vKK, p.uKK) = (0, p.uKK.isNaN ? .nan : 0) }
        if y { (p.vLL, p.uLL) = (0, p.uLL.isNaN ? .nan : 0) }
        if x || y {
            (p.vKL, p.vKLSquaredOffDiagonal) = (0, 0)
            p.uKL = p.uKL.isNaN ? .nan : 0
        }
        return p
    }
}

/// Requires n ≥ 2; the U-centred sums need n ≥ 4 (divisions by n − 2, and
/// n − 3 later) and are NaN below.
func centredProducts(_ k: SymmetricKernel, _ kBuffer: inout [Double],
                     _ l: SymmetricKernel, _ lBuffer: inout [Double], threads: Int) -> CentredProducts {
    let n = k.n
    precondition(l.n == n && n >= 2)
    let nd = Double(n)
    let vk = k.rowSums.map { $0 / nd }, vl = l.rowSums.map { $0 / nd }
    let gvk = k.total / (nd * nd), gvl = l.total / (nd * nd)
    let uk = k.rowSums.map { ($0 - k.diagonal) / (nd - 2) }
    let ul = l.rowSums.map { ($0 - l.diagonal) / (nd - 2) }
    let guk = (k.total - nd * k.diagonal) / ((nd - 1) * (nd - 2))
    let gul = (l.total - nd * l.diagonal) / ((nd - 1) * (nd - 2))
    let (kd, ld) = (k.diagonal, l.diagonal)

    let bounds = Parallel.triangleRowBlocks(n)
    let chunks = bounds.count - 1
    var partials = [Double](repeating: 0, count: chunks * CentredProducts.count)
    withShared(&kBuffer) { km in
        withShared(&lBuffer) { lm in
            withShared(&partials) { out in
                Parallel.forEachChunk(chunks, threads: threads) { c in
                    var diag = (kl: 0.0, kk: 0.0, ll: 0.0)
                    var off = (kl: 0.0, kk: 0.0, ll: 0.0, sq: 0.0, ukl: 0.0, ukk: 0.0, ull: 0.0)
                    for i in bounds[c]..<bounds[c + 1] {
                        let row = i * n
                        let kci = kd - 2 * vk[i] + gvk, lci = ld - 2 * vl[i] + gvl
                        diag.kl += kci * lci
                        diag.kk += kci * kci
                        diag.ll += lci * lci
                        let ak = gvk - vk[i], al = gvl - vl[i]
                        let bk = guk - uk[i], bl = gul - ul[i]
                        for j in (i + 1)..<max(i + 1, n) {
                            let kv = km[row + j], lv = lm[row + j]
                            let kc = kv + ak - vk[j], lc = lv + al - vl[j]
                            let p = kc * lc
                            off.kl += p
                            off.kk += kc * kc
                            off.ll += lc * lc
                            off.sq += p * p
                            let ku = kv + bk - uk[j], lu = lv + bl - ul[j]
                            off.ukl += ku * lu
                            off.ukk += ku * ku
                            off.ull += lu * lu
                        }
                    }
                    // Each unordered pair i < j stands for (i, j) and (j, i).
                    let values = [diag.kl + 2 * off.kl, diag.kk + 2 * off.kk, diag.ll + 2 * off.ll,
                                  2 * off.sq, 2 * off.ukl, 2 * off.ukk, 2 * off.ull]
                    for (t, v) in values.enumerated() { out[c * CentredProducts.count + t] = v }
                }
            }
        }
    }
    var total = [Double](repeating: 0, count: CentredProducts.count)
    for c in 0..<chunks {
        for t in 0..<CentredProducts.count { total[t] += partials[c * CentredProducts.count + t] }
    }
    return CentredProducts(total[...], unbiasedDefined: n >= 4)
}
