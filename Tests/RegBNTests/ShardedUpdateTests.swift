import SeededRandom
import Testing
@testable import RegBN

// The running-W update runs over column shards of W, tile by tile, on several
// threads. None of that may change W beyond rounding, and the thread count may
// not change it at all.

/// One batch's ridge factors for a Q = 37, P = 29 layer (b = 11), and a non-zero W.
private func problem(seed: UInt64) throws -> (factors: RidgeFactors<Double>, w: Matrix<Double>) {
    var rng = SplitMix64(seed: seed)
    let g: Matrix<Double> = gaussianMatrix(11, 37, &rng)
    let f: Matrix<Double> = gaussianMatrix(11, 29, &rng)
    let svd = try thinSVD(g)
    let coefficients = try ridgeCoefficients(singularValues: svd.s, lambda: 3.5)
    return (RidgeFactors(svd: svd, coefficients: coefficients, normalizedF: f), gaussianMatrix(37, 29, &rng))
}

/// The update by its definition, on whole matrices.
private func reference(_ w: Matrix<Double>, _ wHat: Matrix<Double>, epoch: Int) -> (w: Matrix<Double>, gap: Double, eta: Double) {
    let gap = zip(w.storage, wHat.storage).map { abs($0 - $1) }.reduce(0, +) / Double(w.storage.count)
    let m = 0.1 * gap, v = 0.01 * gap * gap
    let mHat = m / (1 - 0.9 * 0.9), vHat = v / (1 - 0.99 * 0.99)
    let eta = 0.02 * mHat / (vHat.squareRoot() + 1e-8)
    precondition(epoch == 1)
    return (Matrix(rows: w.rows, columns: w.columns,
                   storage: zip(w.storage, wHat.storage).map { (1 - eta) * $0 + eta * $1 }), gap, eta)
}

private func relativeDistance(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    let scale = b.storage.map(abs).max() ?? 1
    return zip(a.storage, b.storage).map { abs($0 - $1) }.max()! / scale
}

private let layouts: [(name: String, blocks: [Range<Int>], tileRows: Int)] = [
    ("whole", [0..<29], 37),
    ("two blocks, whole tiles", [0..<14, 14..<29], 37),
    ("three blocks, tiles of 5 rows", [0..<10, 10..<19, 19..<29], 5),
    ("seven uneven blocks, tiles of 1 row", [0..<1, 1..<5, 5..<6, 6..<13, 13..<20, 20..<28, 28..<29], 1),
]

@Test(arguments: layouts.indices)
func shardedTiledUpdateMatchesTheDefinition(layout: Int) throws {
    let (factors, w) = try problem(seed: 3)
    let (expected, gap, eta) = reference(w, factors.wHat, epoch: 1)
    var projection = RunningProjection(w: w, m: 0, v: 0, columnBlocks: layouts[layout].blocks,
                                       tileRows: { _ in layouts[layout].tileRows })
    let update = try projection.update(with: factors, epoch: 1, beta1: 0.9, beta2: 0.99, momentum: 0.02, threads: 2)
    #expect(projection.shards.count == layouts[layout].blocks.count)
    #expect(abs(update.l1Gap - gap) <= 1e-14 * gap)
    #expect(abs(update.eta - eta) <= 1e-13 * eta)
    #expect(relativeDistance(projection.w, expected) <= 1e-14)
    #expect(abs(update.wFrobeniusAfter - frobeniusNorm(expected)) <= 1e-13 * frobeniusNorm(expected))
}

@Test func theThreadCountDoesNotChangeW() throws {
    let (factors, w) = try problem(seed: 8)
    var results: [RunningProjection<Double>] = []
    for threads in [1, 2, 3, 8] {
        var projection = RunningProjection(w: w, m: 0.5, v: 0.25, columnBlocks: layouts[2].blocks, tileRows: { _ in 5 })
        for epoch in 0..<3 {
            _ = try projection.update(with: factors, epoch: epoch, beta1: 0.9, beta2: 0.99, momentum: 0.02, threads: threads)
        }
        results.append(projection)
    }
    #expect(results.allSatisfy { $0 == results[0] })
}

@Test func largeLayersAreShardedAndNeverStoreWHatWhole() {
    // 3136 × 512 (the README's layer): whole tiles; 8192 × 1024: tiles of 2¹⁵ elements.
    #expect(RunningProjection<Float>.columnBlocks(rows: 3136, columns: 512).count == 4)
    #expect(ProjectionShard<Float>.tileRows(rows: 3136, columns: 512, width: 128) == 3136)
    #expect(ProjectionShard<Float>.tileRows(rows: 8192, columns: 1024, width: 128) == 256)
    // Small layers stay in one piece.
    #expect(RunningProjection<Float>.columnBlocks(rows: 16, columns: 64) == [0..<64])
    let blocks = RunningProjection<Float>.columnBlocks(rows: 2352, columns: 784)
    #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == 784 && blocks.count % 2 == 0)
}

@Test func wIsReassembledFromItsShards() {
    let w = Matrix<Double>(rows: 5, columns: 9, storage: (0..<45).map(Double.init))
    let projection = RunningProjection(w: w, m: 0, v: 0, columnBlocks: [0..<2, 2..<3, 3..<9], tileRows: { _ in 2 })
    #expect(projection.w == w)
    #expect(projection == RunningProjection(w: w, m: 0, v: 0))
}
