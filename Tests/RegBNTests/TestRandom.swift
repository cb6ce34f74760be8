import RegBN

/// Seeded generator so property tests are reproducible (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
