import Linalg

/// `PairProducts` of every bootstrap resample at once, from the full-sample
/// centred matrices A, B and the resample counts W (n × R).
///
/// A resample that draws sample i wᵢ times has the kernel matrix A[I, I]; its
/// centred sums are functions of the counts alone (Σwᵢ = n):
/// ```
/// s = A·w, t = B·w, Q_AB = wᵀ(A∘B)w, a = diag A, b = diag B
/// vAB = Q_AB − (2/n)·Σ wᵢsᵢtᵢ + (wᵀs)(wᵀt)/n²                       (tr(HAHB) on the resample)
/// uAB = (Q_AB − Σ wᵢaᵢbᵢ) + (wᵀs − wᵀa)(wᵀt − wᵀb)/((n−1)(n−2))
///       − 2/(n−2)·Σ wᵢ(sᵢ − aᵢ)(tᵢ − bᵢ)                              (Song et al. 2012)
/// ```
/// (the U-statistic's "diagonal" is the resample's: a pair of copies of one
/// sample enters with A[i, i], as it does for the gathered resample). So no row
/// is gathered and no kernel recomputed: five GEMMs of n×n by n×R (A·W, B·W, and
/// (A∘B)·W, (A∘A)·W, (B∘B)·W formed in row blocks) and O(nR) work per resample.
///
/// A and B must be centred (HAH): the identities above are invariant under
/// A → A + c1ᵀ + 1cᵀ, and centring makes every term of the size of the result,
/// so the expanded formulas lose no more than a few digits to cancellation.
///
/// - Complexity: 10·n²·R flops (BLAS) plus O(n²) passes; memory 4·n·R + 3·64·n doubles.
func resampledProducts(_ a: [Double], _ b: [Double], n: Int, weights w: Matrix<Double>) -> [PairProducts] {
    let r = w.columns
    precondition(a.count == n * n && b.count == n * n && w.rows == n, "resampledProducts: shapes do not conform")
    let am = Matrix(rows: n, columns: n, storage: a), bm = Matrix(rows: n, columns: n, storage: b)
    let s = matmul(am, w), t = matmul(bm, w)
    var q = (ab: [Double](repeating: 0, count: r), aa: [Double](repeating: 0, count: r),
             bb: [Double](repeating: 0, count: r))
    let blockRows = 64
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
        let hw = matmul(stacked, w)
        for i in 0..<rows {
            for c in 0..<r {
                let weight = w.storage[(start + i) * r + c]
                q.ab[c] += weight * hw.storage[i * r + c]
                q.aa[c] += weight * hw.storage[(rows + i) * r + c]
                q.bb[c] += weight * hw.storage[(2 * rows + i) * r + c]
            }
        }
    }
    let nd = Double(n)
    let u1 = 1 / ((nd - 1) * (nd - 2)), u2 = 2 / (nd - 2)
    return (0..<r).map { c in
        var sums = ResampleSums()
        for i in 0..<n {
            let weight = w.storage[i * r + c]
            if weight == 0 { continue }
            sums.add(weight: weight, s: s.storage[i * r + c], t: t.storage[i * r + c],
                     a: a[i * n + i], b: b[i * n + i])
        }
        let vAB = q.ab[c] - 2 / nd * sums.st + sums.s * sums.t / (nd * nd)
        let vAA = q.aa[c] - 2 / nd * sums.ss + sums.s * sums.s / (nd * nd)
        let vBB = q.bb[c] - 2 / nd * sums.tt + sums.t * sums.t / (nd * nd)
        guard n >= 4 else {
            return PairProducts(n: n, vAB: vAB, vAA: vAA, vBB: vBB, uAB: .nan, uAA: .nan, uBB: .nan)
        }
        let (rowA, rowB) = (sums.s - sums.a, sums.t - sums.b)
        return PairProducts(
            n: n, vAB: vAB, vAA: vAA, vBB: vBB,
            uAB: (q.ab[c] - sums.ab) + rowA * rowB * u1 - u2 * sums.offST,
            uAA: (q.aa[c] - sums.aa) + rowA * rowA * u1 - u2 * sums.offSS,
            uBB: (q.bb[c] - sums.bb) + rowB * rowB * u1 - u2 * sums.offTT)
    }
}

/// Weighted sums over the samples of one resample.
private struct ResampleSums {
    var s = 0.0, t = 0.0, st = 0.0, ss = 0.0, tt = 0.0
    var a = 0.0, b = 0.0, ab = 0.0, aa = 0.0, bb = 0.0
    var offST = 0.0, offSS = 0.0, offTT = 0.0

    mutating func add(weight w: Double, s si: Double, t ti: Double, a ai: Double, b bi: Double) {
        s += w * si
        t += w * ti
        st += w * si * ti
        ss += w * si * si
        tt += w * ti * ti
        a += w * ai
        b += w * bi
        ab += w * ai * bi
        aa += w * ai * ai
        bb += w * bi * bi
        let (ri, qi) = (si - ai, ti - bi)
        offST += w * ri * qi
        offSS += w * ri * ri
        offTT += w * qi * qi
    }
}
