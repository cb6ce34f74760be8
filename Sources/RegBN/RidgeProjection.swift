/// The official `get_W_plus` coefficients: `sᵢ / (sᵢ² + λ)`, with
/// `nan_to_num(nan/±inf → 1e-8)` on `s² + λ` and on its inverse, in the module dtype.
///
/// - Throws: `RegBNError.singularRegularisedSpectrum` where `s² + λ = 0`
///   (torch.linalg.inv raises there, e.g. a zero singular value at λ = 0).
func ridgeCoefficients<T: LinalgScalar>(singularValues s: [T], lambda: T) throws -> [T] {
    try s.map { si in
        let sl = LambdaObjective<T>.regularised(si, lambda)
        guard sl != 0 else { throw RegBNError.singularRegularisedSpectrum(lambda: Double(lambda)) }
        var inverse = 1 / sl
        if !inverse.isFinite { inverse = T(1e-8) }
        return inverse * si
    }
}

/// The ridge regression of one batch in factored form:
/// `W_hat = V·diag(c)·Uᵀ·F = Vᵀᵀ·scaled` with `scaled = diag(c)·Uᵀ·F` (k × P), for the
/// normalised f batch `F` (b × P) and the normalised g batch's thin SVD
/// `U·diag(s₀)·Vᵀ`, `c = s/(s²+λ)` from the thresholded singular values (quirk 4).
///
/// A training step never forms W_hat (Q × P) whole: the running-W update multiplies it
/// out block by block (`wHatBlock`), and the training output uses `x·W_hat = (x·V)·scaled`.
struct RidgeFactors<T: LinalgScalar>: Sendable {
    /// Vᵀ (k × Q), orthonormal rows.
    let vt: Matrix<T>
    /// diag(c)·Uᵀ·F (k × P).
    let scaled: Matrix<T>

    init(svd: ThinSVD<T>, coefficients: [T], normalizedF: Matrix<T>) {
        vt = svd.vt
        var scaled = matmul(svd.u, normalizedF, transposeA: true)
        for i in 0..<scaled.rows {
            for j in 0..<scaled.columns { scaled[i, j] *= coefficients[i] }
        }
        self.scaled = scaled
    }

    /// Q, the rows of W_hat.
    var rows: Int { vt.columns }
    /// P, the columns of W_hat.
    var columns: Int { scaled.columns }

    /// `W_hat[rows, columns]` into the top-left `rows.count × columns.count` block of
    /// `tile` (whatever it held before): one rank-k GEMM, O(|rows|·k·|columns|).
    func wHatBlock(rows: Range<Int>, columns: Range<Int>, into tile: inout Matrix<T>) {
        matmulAccumulate(vt.block(columns: rows), scaled.block(columns: columns), into: &tile,
                         rows: 0..<rows.count, columns: 0..<columns.count, transposeA: true)
    }

    /// W_hat whole (Q × P): O(Q·k·P) flops and Q·P memory, for callers that ask for it.
    var wHat: Matrix<T> {
        var w = Matrix<T>(rows: rows, columns: columns)
        wHatBlock(rows: 0..<rows, columns: 0..<columns, into: &w)
        return w
    }

    /// `f − x·W_hat` for a batch pair (f: b × P, x: b × Q) without forming W_hat:
    /// `f − (x·V)·scaled`, O(b·k·(Q + P)) instead of O(b·Q·P). Equal to the official
    /// `f − x·W_hat` up to rounding.
    func residual(_ f: Matrix<T>, minusProjectionOf x: Matrix<T>) -> Matrix<T> {
        let projected = matmul(x, vt, transposeB: true)  // b × k
        var residual = f
        matmulAccumulate(projected, scaled, into: &residual, alpha: -1, beta: 1)
        return residual
    }
}
