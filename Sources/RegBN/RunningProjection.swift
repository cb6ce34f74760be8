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
    }

    mutating func update(with wHat: Matrix<T>, epoch: Int, beta1: Double, beta2: Double, momentum: Double) -> Update {
        precondition(wHat.rows == w.rows && wHat.columns == w.columns, "W_hat shape differs from W")
        var sum = 0.0
        for j in w.storage.indices { sum += Double(abs(w.storage[j] - wHat.storage[j])) }
        let gap = w.storage.isEmpty ? T.nan : T(sum / Double(w.storage.count))
        m = T(beta1) * m + T(1 - beta1) * gap
        v = T(beta2) * v + T(1 - beta2) * (gap * gap)
        let mHat = m / T(1 - pow(beta1, Double(epoch + 1)))
        let vHat = v / T(1 - pow(beta2, Double(epoch + 1)))
        let eta = T(momentum) * mHat / (vHat.squareRoot() + T(1e-8))
        let keep = 1 - eta
        for j in w.storage.indices { w.storage[j] = keep * w.storage[j] + eta * wHat.storage[j] }
        return Update(l1Gap: gap, m: m, v: v, eta: eta)
    }
}
