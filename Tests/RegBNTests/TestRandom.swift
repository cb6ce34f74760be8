import Diagnostics  // SplitMix64: seeded, so property tests are reproducible
import RegBN

/// A standard-normal matrix (Box–Muller).
func gaussianMatrix<T: LinalgScalar>(_ rows: Int, _ columns: Int, _ rng: inout SplitMix64, as _: T.Type = T.self) -> Matrix<T> {
    let storage: [T] = (0..<(rows * columns)).map { _ in
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng)
        let u2 = Double.random(in: 0..<1, using: &rng)
        return T((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }
    return Matrix(rows: rows, columns: columns, storage: storage)
}

import Foundation
private func _log(_ x: Double) -> Double { Foundation.log(x) }
private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
