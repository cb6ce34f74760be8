import Diagnostics
import SeededRandom
import Foundation
import Linalg

/// Seeded test matrices (never an unseeded generator: STYLE.md).
enum TestData {
    /// Standard normal entries by Box–Muller from a SplitMix64 stream.
    static func gaussian(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
        var g = SplitMix64(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in g.standardNormal() })
    }

    /// y = tanh(x·A) + noise: dependent on x, not linearly.
    static func dependent(on x: Matrix<Double>, columns: Int, noise: Double, seed: UInt64) -> Matrix<Double> {
        let a = gaussian(rows: x.columns, columns: columns, seed: seed &+ 1)
        var y = matmul(x, a)
        let e = gaussian(rows: x.rows, columns: columns, seed: seed &+ 2)
        for i in y.storage.indices { y.storage[i] = tanh(y.storage[i]) + noise * e.storage[i] }
        return y
    }
}

/// |a − b| ≤ tolerance · max(|a|, |b|, floor).
func close(_ a: Double, _ b: Double, _ tolerance: Double, floor: Double = 1e-300) -> Bool {
    abs(a - b) <= tolerance * max(abs(a), abs(b), floor)
}
