import RegBN
import SeededRandom

/// A standard-normal matrix from a seeded stream, so property tests are reproducible.
func gaussianMatrix<T: LinalgScalar>(_ rows: Int, _ columns: Int, _ rng: inout SplitMix64, as _: T.Type = T.self) -> Matrix<T> {
    Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in T(rng.standardNormal()) })
}
