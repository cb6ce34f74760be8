/// The official `get_W_plus` coefficients: `sᵢ / (sᵢ² + λ)`, with
/// `nan_to_num(nan/±inf → 1e-8)` on `s² + λ` and on its inverse, in the module dtype.
///
/// - Throws: `RegBNError.singularRegularisedSpectrum` where `s² + λ = 0`
///   (torch.linalg.inv raises there, e.g. a zero singular value at λ = 0).
@_specialize(where T == Float)
@_specialize(where T == Double)
@inline(never)
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
struct RidgeFactors<T: LinalgScalar> {
    let svd: ThinSVD<T>
    let scaled: Matrix<T>

    init(svd: ThinSVD<T>, coefficients: [T], normalizedF: Matrix<T>) {
        self.svd = svd
        var scaled = product(svd.u, normalizedF, transposeA: true)  // k × P
        scaleRows(&scaled, by: coefficients)
        self.scaled = scaled
    }

    /// `W_hat` (Q × P), O(Q·k·P).
    var wHat: Matrix<T> { product(svd.vt, scaled, transposeA: true) }

    /// `x·W_hat` for a batch x (b × Q) without forming W_hat: `(x·V)·scaled`,
    /// O(b·k·(Q + P)) instead of O(b·Q·P). Equal to the official `x·W_hat` up to rounding.
    func apply(to x: Matrix<T>) -> Matrix<T> {
        let projected = product(x, svd.vt, transposeB: true)  // b × k
        return product(projected, scaled)
    }
}
