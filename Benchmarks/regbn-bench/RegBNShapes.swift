import Linalg
import RegBN
import SeededRandom

/// The three layer pairs of issue 14, shared by the `regbn` and `normalize` suites.
struct RegBNShape {
    let label: String
    let batch: Int
    let fChannels: Int, fSpatial: [Int]
    let gChannels: Int, gSpatial: [Int]

    static let all = [
        RegBNShape(label: "b=50 f[512] g[64,7,7]", batch: 50, fChannels: 512, fSpatial: [], gChannels: 64, gSpatial: [7, 7]),
        RegBNShape(label: "b=50 f[1,28,28] g[3,28,28]", batch: 50, fChannels: 1, fSpatial: [28, 28], gChannels: 3,
                   gSpatial: [28, 28]),
        RegBNShape(label: "b=256 f[64] g[16]", batch: 256, fChannels: 64, fSpatial: [], gChannels: 16, gSpatial: []),
    ]

    /// The official module as the benchmarks run it: input and output normalisation on.
    func configuration(solver: LambdaSolver = .lbfgs) -> RegBNConfiguration {
        RegBNConfiguration(fChannels: fChannels, fSpatialShape: fSpatial, gChannels: gChannels, gSpatialShape: gSpatial,
                           normalizeInput: true, normalizeOutput: true, affine: true, lambdaSolver: solver)
    }
}

/// Standard-normal batches from a seeded stream: reproducible random data.
struct BenchRandom {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func matrix<T: LinalgScalar>(_ rows: Int, _ columns: Int, as _: T.Type = T.self) -> Matrix<T> {
        Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in T(generator.standardNormal()) })
    }
}
