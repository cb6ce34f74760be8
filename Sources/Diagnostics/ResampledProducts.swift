import Linalg

/// `PairProducts` of every bootstrap resample at once, from the full-sample
/// centred matrices A, B and the resample counts W (n × R): a resample that
/// draws sample i wᵢ times is a reweighting of the samples, so no row is
/// gathered and no kernel recomputed.
///
/// V-statistics are those of the resample itself, A[I, I] (Σwᵢ = n):
/// ```
/// s = A·w, t = B·w, Q_AB = wᵀ(A∘B)w
/// vAB = Q_AB − (2/n)·Σ wᵢsᵢtᵢ + (wᵀs)(wᵀt)/n²        (tr(HAHB) on the resample)
/// ```
/// A V-statistic includes the pairs (i, i), and so does its replicate: copies
/// of a sample enter as the diagonal does, and the basic interval's reflection
/// corrects the V-statistic's bias in the usual bootstrap way.
///
/// U-statistics are unbiased, and a naive replicate is not: two copies of one
/// sample are a pair at distance 0 (kernel 1), which no two distinct samples of
/// a continuous distribution form, so every replicate leans towards
/// dependence. The replicate is therefore the U-statistic over the tuples of
/// resample positions whose original samples are distinct (the bootstrap of
/// U-statistics without ties, Arcones & Giné 1992, Ann. Statist. 20(2)):
/// ```
/// U_w = Σ_{ijqr distinct} wᵢwⱼw_qw_r·h(i, j, q, r) / Σ_{ijqr distinct} wᵢwⱼw_qw_r
/// h = K_ij L_ij + K_ij L_qr − 2 K_ij L_iq     (Song et al. 2012's kernel, symmetrised by the sum)
/// ```
/// Its sums expand into A₀·wᵏ, B₀·wᵏ and (A₀∘B₀)·wᵏ for k ≤ 3 (A₀ = A with a zero
/// diagonal; h is invariant under A → A + c1ᵀ + 1cᵀ, so the centred A serves),
/// and E*[U_w] equals the sample's U-statistic up to O(n⁻²). With all wᵢ = 1 it
/// is exactly the U-statistic of the sample.
///
/// A and B must be centred (HAH): the V identities are invariant under the same
/// change, and centring makes every term of the size of the result, so the
/// expanded formulas lose no more than a few digits to cancellation.
///
/// - Complexity: 26·n²·R flops (GEMMs) plus O(n²) passes; memory ≈ 10·n·R + 12·64·n doubles.
func resampledProducts(_ a: [Double], _ b: [Double], n: Int, weights w: Matrix<Double>) -> [PairProducts] {
    let r = w.columns
    precondition(a.count == n * n && b.count == n * n && w.rows == n, "resampledProducts: shapes do not conform")
    let powers = WeightPowers(w)
    let am = Matrix(rows: n, columns: n, storage: a), bm = Matrix(rows: n, columns: n, storage: b)
    let sa = matmul(am, powers.upToSquare), sb = matmul(bm, powers.upToSquare)   // n × 2R: A·w, A·w²
    let hadamard = HadamardSums(a, b, n: n, powers: powers)
    let diagonalA = (0..<n).map { a[$0 * n + $0] }, diagonalB = (0..<n).map { b[$0 * n + $0] }
    return (0..<r).map { c in
        var sums = ResampleSums()
        for i in 0..<n {
            let wi = w.storage[i * r + c]
            if wi == 0 { continue }
            sums.add(w: wi, s: sa.storage[i * 2 * r + c], s2: sa.storage[i * 2 * r + r + c],
                     t: sb.storage[i * 2 * r + c], t2: sb.storage[i * 2 * r + r + c],
                     diagonalA: diagonalA[i], diagonalB: diagonalB[i])
        }
        return sums.products(n: n, hadamard: hadamard, resample: c)
    }
}

/// W, W∘W, W∘W∘W side by side: [W | W²] (n × 2R) and [W | W² | W³] (n × 3R).
private struct WeightPowers {
    let upToSquare: Matrix<Double>
    let upToCube: Matrix<Double>

    init(_ w: Matrix<Double>) {
        let n = w.rows, r = w.columns
        var two = Matrix<Double>(rows: n, columns: 2 * r), three = Matrix<Double>(rows: n, columns: 3 * r)
        for i in 0..<n {
            for c in 0..<r {
                let v = w.storage[i * r + c]
                two.storage[i * 2 * r + c] = v
                two.storage[i * 2 * r + r + c] = v * v
                three.storage[i * 3 * r + c] = v
                three.storage[i * 3 * r + r + c] = v * v
                three.storage[i * 3 * r + 2 * r + c] = v * v * v
            }
        }
        (upToSquare, upToCube) = (two, three)
    }
}

/// For M = A∘B, A∘A, B∘B and each resample, the weighted sums
/// ```
/// 0: Σ wᵢ(Mw)ᵢ   1: Σ wᵢ²(Mw)ᵢ   2: Σ wᵢ³(Mw)ᵢ   3: Σ wᵢ²(Mw²)ᵢ   4: Σ wᵢ(Mw³)ᵢ
/// 5: Σ wᵢ²Mᵢᵢ    6: Σ wᵢ³Mᵢᵢ     7: Σ wᵢ⁴Mᵢᵢ
/// ```
/// from M·[w | w² | w³] formed in row blocks of M (never all of M at once).
private struct HadamardSums {
    static let count = 8
    /// sums[(product · 8 + sum) · R + resample]; product 0 = A∘B, 1 = A∘A, 2 = B∘B.
    private(set) var sums: [Double]
    let r: Int

    subscript(product: Int, sum: Int, resample: Int) -> Double {
        sums[(product * Self.count + sum) * r + resample]
    }

    /// The eight sums of one product and resample.
    subscript(product: Int, resample: Int) -> [Double] {
        (0..<Self.count).map { self[product, $0, resample] }
    }

    init(_ a: [Double], _ b: [Double], n: Int, powers: WeightPowers) {
        r = powers.upToCube.columns / 3
        let r = self.r
        var sums = [Double](repeating: 0, count: 3 * Self.count * r)
        let blockRows = 64
        let wp = powers.upToCube.storage
        for start in stride(from: 0, to: n, by: blockRows) {
            let rows = min(blockRows, n - start)
            var stacked = Matrix<Double>(rows: 3 * rows, columns: n)
            for i in 0..<rows {
                let source = (start + i) * n
                for j in 0..<n {
                    let x = a[source + j], y = b[source + j]
                    stacked.storage[i * n + j] = x * y
                    stacked.storage[(rows + i) * n + j] = x * x
                    stacked.storage[(2 * rows + i) * n + j] = y * y
                }
            }
            let mw = matmul(stacked, powers.upToCube).storage   // (3·rows) × 3R
            for product in 0..<3 {
                let base = product * Self.count * r
                for i in 0..<rows {
                    let row = start + i, out = (product * rows + i) * 3 * r, weights = row * 3 * r
                    let diagonal = stacked.storage[(product * rows + i) * n + row]
                    for c in 0..<r {
                        let w1 = wp[weights + c], w2 = wp[weights + r + c], w3 = wp[weights + 2 * r + c]
                        let m1 = mw[out + c]
                        sums[base + c] += w1 * m1
                        sums[base + r + c] += w2 * m1
                        sums[base + 2 * r + c] += w3 * m1
                        sums[base + 3 * r + c] += w2 * mw[out + r + c]
                        sums[base + 4 * r + c] += w1 * mw[out + 2 * r + c]
                        sums[base + 5 * r + c] += w2 * diagonal
                        sums[base + 6 * r + c] += w3 * diagonal
                        sums[base + 7 * r + c] += w2 * w2 * diagonal
                    }
                }
            }
        }
        self.sums = sums
    }
}

/// The weighted sums over the samples of one resample, in one pass, from which
/// its products follow (A₀·wᵏ = A·wᵏ − diag(A)∘wᵏ for the U-statistics).
private struct ResampleSums {
    var p1 = 0.0, p2 = 0.0, p3 = 0.0, p4 = 0.0
    // V: Σ w s, Σ w t, Σ w s t, Σ w s², Σ w t².
    var ws = 0.0, wt = 0.0, wst = 0.0, wss = 0.0, wtt = 0.0
    // U, with x = A₀w, x₂ = A₀w², y = B₀w, y₂ = B₀w².
    var wx = 0.0, wy = 0.0
    var wxy = 0.0, w2xy = 0.0, wx2y = 0.0, wxy2 = 0.0
    var wxx = 0.0, w2xx = 0.0, wx2x = 0.0
    var wyy = 0.0, w2yy = 0.0, wy2y = 0.0

    mutating func add(w: Double, s: Double, s2: Double, t: Double, t2: Double, diagonalA: Double, diagonalB: Double) {
        let w2 = w * w
        p1 += w
        p2 += w2
        p3 += w2 * w
        p4 += w2 * w2
        ws += w * s
        wt += w * t
        wst += w * s * t
        wss += w * s * s
        wtt += w * t * t
        let x = s - diagonalA * w, x2 = s2 - diagonalA * w2
        let y = t - diagonalB * w, y2 = t2 - diagonalB * w2
        wx += w * x
        wy += w * y
        wxy += w * x * y
        w2xy += w2 * x * y
        wx2y += w * x2 * y
        wxy2 += w * x * y2
        wxx += w * x * x
        w2xx += w2 * x * x
        wx2x += w * x2 * x
        wyy += w * y * y
        w2yy += w2 * y * y
        wy2y += w * y2 * y
    }

    func products(n: Int, hadamard h: HadamardSums, resample c: Int) -> PairProducts {
        let nd = Double(n)
        func v(_ product: Int, _ cross: Double, _ sx: Double, _ sy: Double) -> Double {
            h[product, 0, c] - 2 / nd * cross + sx * sy / (nd * nd)
        }
        let vAB = v(0, wst, ws, wt), vAA = v(1, wss, ws, ws), vBB = v(2, wtt, wt, wt)
        guard n >= 4 else { return PairProducts(n: n, vAB: vAB, vAA: vAA, vBB: vBB, uAB: .nan, uAA: .nan, uBB: .nan) }
        // Σ over ordered 4-tuples of distinct samples of wᵢwⱼw_qw_r (Newton's identities).
        let tuples = p1 * p1 * p1 * p1 - 6 * p1 * p1 * p2 + 3 * p2 * p2 + 8 * p1 * p3 - 6 * p4
        let scale = tuples > 0 ? nd * (nd - 3) / tuples : .nan
        return PairProducts(
            n: n, vAB: vAB, vAA: vAA, vBB: vBB,
            uAB: scale * distinctTupleSum(h[0, c], f111: wxy, f211: w2xy, f121: wx2y, f112: wxy2, sx: wx, sy: wy),
            uAA: scale * distinctTupleSum(h[1, c], f111: wxx, f211: w2xx, f121: wx2x, f112: wx2x, sx: wx, sy: wx),
            uBB: scale * distinctTupleSum(h[2, c], f111: wyy, f211: w2yy, f121: wy2y, f112: wy2y, sx: wy, sy: wy))
    }

    /// Σ over ordered 4-tuples of distinct samples of wᵢwⱼw_qw_r·h(i, j, q, r) for
    /// one Hadamard product M, from its sums `q` and the matrices' weighted sums:
    /// ```
    /// E₁ = (p₁² − p₂)·wᵀM₀w − 4p₁·(w²)ᵀM₀w + 4·(w³)ᵀM₀w + 2·(w²)ᵀM₀w²
    /// E₂ = (wᵀx)(wᵀy) − 4F₂₁₁ − 2·(w²)ᵀM₀w²
    /// E₃ = p₁F₁₁₁ − F₂₁₁ − F₁₂₁ − F₁₁₂,   F_abc = Σᵢ wᵢᵃ (A₀wᵇ)ᵢ(B₀wᶜ)ᵢ − (wᵃ)ᵀM₀w^(b+c)
    /// Σ = E₁ + E₂ − 2E₃
    /// ```
    /// with M₀ = M less its diagonal, (wᵃ)ᵀM₀(wᵇ) = (wᵃ)ᵀM(wᵇ) − Σ wᵢ^(a+b) Mᵢᵢ.
    private func distinctTupleSum(_ q: [Double], f111: Double, f211: Double, f121: Double, f112: Double,
                                  sx: Double, sy: Double) -> Double {
        let m11 = q[0] - q[5], m21 = q[1] - q[6], m31 = q[2] - q[7], m22 = q[3] - q[7], m13 = q[4] - q[7]
        let (g111, g211, g121, g112) = (f111 - m21, f211 - m22, f121 - m13, f112 - m13)
        let e1 = (p1 * p1 - p2) * m11 - 4 * p1 * m21 + 4 * m31 + 2 * m22
        let e2 = sx * sy - 4 * g211 - 2 * m22
        let e3 = p1 * g111 - g211 - g121 - g112
        return e1 + e2 - 2 * e3
    }
}
