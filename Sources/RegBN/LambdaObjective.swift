/// The scalar objective of the official λ search, reduced to the spectrum.
///
/// The official code forms `usx = diag(s²+λ)⁻¹·diag(s)·Uᵀ·G` for the normalised g
/// batch `G = U·diag(s₀)·Vᵀ` and takes `|Σ_all entries(usx·usxᵀ) − 1|`. Because
/// `Uᵀ·G = diag(s₀)·Vᵀ` and `VᵀV = I`, the sum of all entries is
/// ```
/// h(λ) = Σᵢ aᵢ²,   aᵢ = sᵢ·s₀ᵢ / (sᵢ² + λ)
/// ```
/// where `s` are the thresholded and `s₀` the original singular values (the
/// off-diagonal entries the official code also sums are round-off). `f` plays no
/// part. The derivative is analytic: `h′(λ) = −2·Σᵢ aᵢ² / (sᵢ² + λ)`.
///
/// Evaluation is O(k); the value is rounded to the module dtype like the official
/// float32 objective, so the L-BFGS stopping tests see the same granularity.
public struct LambdaObjective<T: LinalgScalar>: Sendable, Equatable {
    /// Thresholded singular values (`s`).
    public let singularValues: [T]
    /// Singular values before thresholding (`s₀`).
    public let originalSingularValues: [T]

    public init(singularValues: [T], originalSingularValues: [T]) {
        precondition(singularValues.count == originalSingularValues.count, "spectra of different lengths")
        self.singularValues = singularValues
        self.originalSingularValues = originalSingularValues
    }

    /// `s² + λ` as the official code forms it in the module dtype, with its
    /// `nan_to_num(nan/±inf → 1e-8)`.
    @inline(__always)
    static func regularised(_ s: T, _ lambda: T) -> T {
        let sl = s * s + lambda
        return sl.isFinite ? sl : T(1e-8)
    }

    /// `(h(λ), h′(λ))` with the module-dtype `s² + λ`, accumulated in Double.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func hAndDerivative(_ lambda: T) throws -> (h: Double, dh: Double) {
        var h = 0.0, dh = 0.0
        for i in singularValues.indices {
            let sl = Self.regularised(singularValues[i], lambda)
            // torch.linalg.inv raises on an exactly singular diagonal; so do we.
            guard sl != 0 else { throw RegBNError.singularRegularisedSpectrum(lambda: Double(lambda)) }
            let a = Double(singularValues[i]) * Double(originalSingularValues[i]) / Double(sl)
            h += a * a
            dh -= 2 * a * a / Double(sl)
        }
        return (h, dh)
    }

    /// The official objective `|h(λ) − 1|` in the module dtype (the fixtures' `objective_grid`).
    ///
    /// - Throws: `RegBNError.singularRegularisedSpectrum` where `s² + λ = 0`.
    public func value(at lambda: T) throws -> T {
        let h = T(try hAndDerivative(lambda).h)
        return abs(h - 1)
    }

    /// Loss and d loss/dλ as torch's autograd yields them (`sign(0) = 0` at the kink).
    func lossAndGradient(_ lambda: T) throws -> (loss: T, gradient: T) {
        let (h, dh) = try hAndDerivative(lambda)
        let residual = T(h) - 1
        let sign: T = residual > 0 ? 1 : (residual < 0 ? -1 : 0)
        return (abs(residual), sign * T(dh))
    }

    /// `h(λ) − 1` and its derivative in Double throughout (for the exact root solver).
    public func residual(at lambda: Double) -> (value: Double, derivative: Double) {
        var h = 0.0, dh = 0.0
        for i in singularValues.indices {
            let s = Double(singularValues[i])
            let sl = s * s + lambda
            let a = s * Double(originalSingularValues[i]) / sl
            h += a * a
            dh -= 2 * a * a / sl
        }
        return (h - 1, dh)
    }
}
