import Foundation

/// The running projection `W` (Q × P) and its Adam-like blend (quirk 7).
///
/// ```
/// gap = mean|W − W_hat|
/// m ← β₁·m + (1−β₁)·gap,   v ← β₂·v + (1−β₂)·gap²          (never reset)
/// m̂ = m / (1 − β₁^(epoch+1)),   v̂ = v / (1 − β₂^(epoch+1))   (bias correction by EPOCH)
/// η = momentum·m̂ / (√v̂ + 1e-8),   W ← (1−η)·W + η·W_hat
/// ```
/// Scalars are rounded to the module dtype as torch does when it mixes Python
/// floats with tensors; the elementwise blend runs in the module dtype.
public struct RunningProjection<T: LinalgScalar>: Sendable, Equatable {
    public private(set) var w: Matrix<T>
    public private(set) var m: T = 0
    public private(set) var v: T = 0

    public init(rows: Int, columns: Int) {
        w = Matrix(rows: rows, columns: columns)
    }

    public init(w: Matrix<T>, m: T, v: T) {
        self.w = w
        self.m = m
        self.v = v
    }

    /// What one update did.
    public struct Update: Sendable, Equatable {
        public let l1Gap: T
        public let m: T
        public let v: T
        public let eta: T
        /// Frobenius norm of W after the blend.
        public let wFrobeniusAfter: T
    }

    mutating func update(with wHat: Matrix<T>, epoch: Int, beta1: Double, beta2: Double, momentum: Double) -> Update {
        precondition(wHat.rows == w.rows && wHat.columns == w.columns, "W_hat shape differs from W")
        let gap = meanAbsoluteDifference(w.storage, wHat.storage)
        m = T(beta1) * m + T(1 - beta1) * gap
        v = T(beta2) * v + T(1 - beta2) * (gap * gap)
        let mHat = m / T(1 - pow(beta1, Double(epoch + 1)))
        let vHat = v / T(1 - pow(beta2, Double(epoch + 1)))
        let eta = T(momentum) * mHat / (vHat.squareRoot() + T(1e-8))
        let squares = blend(&w.storage, keep: 1 - eta, eta: eta, with: wHat.storage)
        return Update(l1Gap: gap, m: m, v: v, eta: eta, wFrobeniusAfter: T(squares.squareRoot()))
    }
}
