import Cluster
import Linalg

// The statistics over feature blocks spread across ranks (issue 12). Every n×n
// matrix the measures use is a function of the Gram matrices, and a Gram matrix
// is a sum over feature blocks, X·Xᵀ = Σ_b X_b·X_bᵀ: each rank forms its block's
// Gram matrix, the ranks add them up (in rank order, the same bits on every
// rank), and everything after that — kernels, distances, the median heuristic,
// centring, the products — runs on identical n×n matrices on every rank. The
// permutation tests and the bootstrap then split their permutations and
// resamples by index over the ranks, each drawn from its own seeded stream.
//
// Continuous operands are a rank's block of columns (every sample); categorical
// operands (labels) are whole on every rank, and so is everything derived from
// them (their one-hot code, their delta kernel): a "block" held by one rank.

/// Where this rank's columns of x and y lie among all ranks' columns.
struct BlockLayout {
    let communicator: any Communicator
    /// Columns of x on the ranks before this one, and on all ranks (a categorical
    /// operand's levels count once: every rank holds all of them).
    let xOffset: Int, xTotal: Int
    let yOffset: Int, yTotal: Int

    /// The layout of a call in which every rank passes its block of `x` and `y`: one
    /// `allgather` of the blocks' shapes.
    /// - Throws: `DiagnosticsError.invalidSetting` (on every rank) when the ranks passed
    ///   different numbers of samples: the caller's blocks do not fit together.
    static func of(_ x: Operand, _ y: Operand, communicator: any Communicator) throws -> BlockLayout {
        guard communicator.size > 1 else {
            return BlockLayout(communicator: communicator, xOffset: 0, xTotal: x.featureCount, yOffset: 0,
                               yTotal: y.featureCount)
        }
        let shapes = try communicator.allgather([x.sampleCount, y.sampleCount, x.featureCount, y.featureCount])
        for (rank, shape) in shapes.enumerated() where shape[0] != shapes[0][0] || shape[1] != shapes[0][1] {
            throw inconsistentBlocks("rank \(rank) passed \(shape[0]) samples of x and \(shape[1]) of y, rank 0 "
                                     + "passed \(shapes[0][0]) and \(shapes[0][1])")
        }
        func layout(_ operand: Operand, _ column: Int) -> (offset: Int, total: Int) {
            if operand.isCategorical { return (0, operand.featureCount) }
            return (shapes[..<communicator.rank].reduce(0) { $0 + $1[column] }, shapes.reduce(0) { $0 + $1[column] })
        }
        let (x0, xn) = layout(x, 2), (y0, yn) = layout(y, 3)
        return BlockLayout(communicator: communicator, xOffset: x0, xTotal: xn, yOffset: y0, yTotal: yn)
    }

    /// The ranks an operand's columns are spread over: the call's ranks for features,
    /// this process alone for labels (whole everywhere, nothing to add up).
    func communicator(for operand: Operand) -> any Communicator {
        operand.isCategorical ? SingleProcess() : communicator
    }
}

/// Blocks of the ranks that do not describe the same samples: the caller's mistake.
private func inconsistentBlocks(_ what: String) -> DiagnosticsError {
    .invalidSetting(name: "feature blocks", value: what, requirement: "every rank passes all samples of its columns")
}

/// The upper triangles (j ≥ i) of every rank's n×n `buffer`, added up in rank order,
/// in every rank's buffer. The triangle travels packed, a bounded number of rows at a
/// time, so the extra memory stays at `packedElements` whatever n.
func addUpperTriangles(_ buffer: inout [Double], n: Int, across communicator: any Communicator,
                       packedElements: Int = 1 << 22) throws(CommunicatorError) {
    guard communicator.size > 1 else { return }
    var packed: [Double] = []
    packed.reserveCapacity(min(packedElements, n * (n + 1) / 2))
    var first = 0
    while first < n {
        var end = first, count = 0
        while end < n && (count == 0 || count + n - end <= packedElements) {
            count += n - end
            end += 1
        }
        packed.removeAll(keepingCapacity: true)
        for i in first..<end { packed.append(contentsOf: buffer[(i * n + i)..<((i + 1) * n)]) }
        try communicator.allreduceSum(&packed)
        var k = 0
        for i in first..<end {
            buffer.replaceSubrange((i * n + i)..<((i + 1) * n), with: packed[k..<(k + n - i)])
            k += n - i
        }
        first = end
    }
}

/// Every rank's columns of `m` (n × its columns), side by side in rank order, on every rank.
func gatheredColumns(_ m: Matrix<Double>, across communicator: any Communicator) throws -> Matrix<Double> {
    guard communicator.size > 1 else { return m }
    let blocks = try communicator.allgather([m.rows, m.columns])
    guard blocks.allSatisfy({ $0[0] == m.rows }) else {
        throw inconsistentBlocks("the ranks passed channel blocks of \(blocks.map { $0[0] }) samples")
    }
    let parts = try communicator.allgather(m.storage)
    var whole = Matrix<Double>(rows: m.rows, columns: blocks.reduce(0) { $0 + $1[1] })
    var column = 0
    for (part, shape) in zip(parts, blocks) {
        whole.replaceColumns(column..<(column + shape[1]), with: Matrix(rows: m.rows, columns: shape[1], storage: part))
        column += shape[1]
    }
    return whole
}

extension PairProducts {
    static let wireCount = 7

    var wire: [Double] { [Double(n), vAB, vAA, vBB, uAB, uAA, uBB] }

    init(wire v: ArraySlice<Double>) {
        let b = v.startIndex
        self.init(n: Int(v[b]), vAB: v[b + 1], vAA: v[b + 2], vBB: v[b + 3], uAB: v[b + 4], uAA: v[b + 5], uBB: v[b + 6])
    }
}

/// Products computed for this rank's share of `count` indices (`compute(share)`),
/// assembled from every rank in index order on every rank: the resamples of a
/// bootstrap split over the ranks. With one rank, `compute(0..<count)`.
func productsByIndex(count: Int, across communicator: any Communicator,
                     _ compute: (Range<Int>) -> [PairProducts]) throws(CommunicatorError) -> [PairProducts] {
    guard communicator.size > 1 else { return compute(0..<count) }
    let local = compute(communicator.share(of: count))
    let all = try communicator.allgatherConcatenated(local.flatMap(\.wire))
    guard all.count == count * PairProducts.wireCount else {
        throw CommunicatorError(call: "productsByIndex", reason: "the ranks computed \(all.count / PairProducts.wireCount) "
                                + "of \(count) resamples")
    }
    return (0..<count).map { PairProducts(wire: all[($0 * PairProducts.wireCount)..<(($0 + 1) * PairProducts.wireCount)]) }
}
