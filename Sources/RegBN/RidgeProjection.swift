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

/// `W_hat = V·diag(s/(s²+λ))·Uᵀ·F` (Q × P): the ridge regression of the normalised f
/// batch `F` (b × P) on the normalised g batch with thin SVD `U·diag(s₀)·Vᵀ`, with
/// the thresholded singular values `s` (quirk 4). Computed as `Vᵀᵀ·(diag(c)·(Uᵀ·F))`,
/// which costs O(k·P·(b + Q)) instead of forming the Q × b matrix `W_plus`.
func ridgeProjection<T: LinalgScalar>(svd: ThinSVD<T>, coefficients: [T], normalizedF: Matrix<T>) -> Matrix<T> {
    var scaled = matmul(svd.u, normalizedF, transposeA: true)  // k × P
    let p = scaled.columns
    for i in 0..<scaled.rows {
        let c = coefficients[i]
        for j in (i * p)..<((i + 1) * p) { scaled.storage[j] *= c }
    }
    return matmul(svd.vt, scaled, transposeA: true)  // Q × P
}
