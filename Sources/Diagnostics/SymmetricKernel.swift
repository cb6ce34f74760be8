import Cluster
import Foundation
import Linalg

/// What a pass writes over the upper triangle, from what is stored there.
enum PairwiseKind: Sendable {
    /// exp(−γ·d²), γ = 1/(2σ²), from a stored Gram entry xᵢ·xⱼ; diagonal exactly 1.
    /// γ = ∞ (σ underflowed in the scaled units) gives the limit 1[d = 0].
    case gaussian(gamma: Double)
    /// d = √d² (distance correlation), from a stored Gram entry; diagonal exactly 0.
    case distance
    /// d² itself (the median heuristic), from a stored Gram entry; diagonal exactly 0.
    case squaredDistance
    /// exp(−γ·d²) from a stored d² (reusing the median heuristic's distances).
    case gaussianOfStoredSquaredDistance(gamma: Double)

    var diagonal: Double {
        switch self {
        case .gaussian, .gaussianOfStoredSquaredDistance: return 1
        case .distance, .squaredDistance: return 0
        }
    }
}

/// A symmetric n×n matrix of which only the upper triangle (j ≥ i, row-major) is
/// stored in a workspace buffer, with the sums the centring formulas need.
struct SymmetricKernel: Sendable {
    let n: Int
    /// Full row sums Σⱼ Mᵢⱼ (both triangles, diagonal included).
    let rowSums: [Double]
    /// The constant diagonal value.
    let diagonal: Double

    var total: Double { rowSums.reduce(0, +) }
}

/// Fills the upper triangle of `buffer` (resized to n²) with the pairwise matrix
/// of the rows of `scaled` (`kind` must start from a Gram entry): over several
/// ranks, of the rows of every rank's columns, from the ranks' Gram matrices added
/// up (`addUpperTriangles`), the same on every rank.
///
/// Squared distances come from one `syrk`: d² = ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ on
/// column-centred data (`ScaledColumns`). Centring is what keeps this accurate:
/// the cancellation error is ≈ ε·(‖xᵢ‖² + ‖xⱼ‖²), and after centring the norms
/// are of the order of the distances themselves instead of the data's offset.
/// The power-of-two scaling keeps the squares far from overflow and underflow.
/// Negative round-off is clamped to 0 and the diagonal is set exactly.
///
/// - Complexity: n²·p flops (BLAS) plus one parallel pass over n²/2 elements; over
///   k ranks n²·p/k flops per rank and a sum of n²/2 elements across them.
func buildSymmetricKernel(_ scaled: ScaledColumns, kind: PairwiseKind, into buffer: inout [Double],
                          threads: Int) throws(CommunicatorError) -> SymmetricKernel {
    let n = scaled.centred.rows
    gramUpper(scaled.centred, into: &buffer)
    try addUpperTriangles(&buffer, n: n, across: scaled.communicator)
    let norms = (0..<n).map { buffer[$0 * n + $0] }
    return transformSymmetricKernel(&buffer, n: n, norms: norms, kind: kind, threads: threads)
}

/// The upper triangle of XXᵀ in `buffer` (resized to n²), written in place by `syrk`.
func gramUpper(_ x: Matrix<Double>, into buffer: inout [Double]) {
    let n = x.rows
    resize(&buffer, to: n * n)
    var gramMatrix = Matrix(rows: n, columns: n, storage: buffer)
    buffer = []  // the matrix now holds the only reference: syrk writes in place
    gramUpper(x, into: &gramMatrix)
    buffer = gramMatrix.storage
}

/// The delta kernel Kᵢⱼ = 1[aᵢ = aⱼ] of categorical labels in the upper triangle
/// of `buffer`; row i sums to the size of sample i's class.
func buildDeltaKernel(_ labels: CategoricalLabels, into buffer: inout [Double], threads: Int) -> SymmetricKernel {
    let n = labels.count
    resize(&buffer, to: n * n)
    let codes = labels.codes
    let bounds = Parallel.triangleRowBlocks(n)
    withShared(&buffer) { m in
        Parallel.forEachChunk(bounds.count - 1, threads: threads) { c in
            for i in bounds[c]..<bounds[c + 1] {
                let ci = codes[i]
                for j in i..<n { m[i * n + j] = codes[j] == ci ? 1 : 0 }
            }
        }
    }
    return SymmetricKernel(n: n, rowSums: codes.map { Double(labels.counts[$0]) }, diagonal: 1)
}

/// Rewrites the upper triangle of the n×n `buffer` as `kind` says (`norms` are
/// the squared row norms when it starts from Gram entries) and returns the row sums.
func transformSymmetricKernel(_ buffer: inout [Double], n: Int, norms: [Double], kind: PairwiseKind,
                              threads: Int) -> SymmetricKernel {
    let bounds = Parallel.triangleRowBlocks(n)
    let chunks = bounds.count - 1
    // Column sums of each block's part of the upper triangle, combined in block
    // order afterwards so the row sums do not depend on the thread count.
    var columnParts = [Double](repeating: 0, count: chunks * n)
    var rowParts = [Double](repeating: 0, count: n)
    withShared(&buffer) { m in
        withShared(&columnParts) { cols in
            withShared(&rowParts) { rows in
                Parallel.forEachChunk(chunks, threads: threads) { c in
                    fillBlock(m, rows: bounds[c]..<bounds[c + 1], n: n, norms: norms, kind: kind,
                              rowSums: rows, columnSums: cols, columnOffset: c * n)
                }
            }
        }
    }
    var rowSums = rowParts
    for c in 0..<chunks {
        for j in 0..<n { rowSums[j] += columnParts[c * n + j] }
    }
    return SymmetricKernel(n: n, rowSums: rowSums, diagonal: kind.diagonal)
}

private func fillBlock(_ m: SharedBuffer<Double>, rows: Range<Int>, n: Int, norms: [Double],
                       kind: PairwiseKind, rowSums: SharedBuffer<Double>,
                       columnSums: SharedBuffer<Double>, columnOffset: Int) {
    // One loop per kind: a switch inside the inner loop would cost more than the arithmetic.
    @inline(__always) func store(_ row: Int, _ j: Int, _ v: Double, _ sum: inout Double) {
        m[row + j] = v
        sum += v
        columnSums[columnOffset + j] += v
    }
    for i in rows {
        let row = i * n
        let others = (i + 1)..<max(i + 1, n)
        var sum = kind.diagonal
        switch kind {
        case .gaussian(let gamma):
            let ni = norms[i]
            for j in others { store(row, j, gaussian(gamma, max(0, ni + norms[j] - 2 * m[row + j])), &sum) }
        case .distance:
            let ni = norms[i]
            for j in others { store(row, j, max(0, ni + norms[j] - 2 * m[row + j]).squareRoot(), &sum) }
        case .squaredDistance:
            let ni = norms[i]
            for j in others { store(row, j, max(0, ni + norms[j] - 2 * m[row + j]), &sum) }
        case .gaussianOfStoredSquaredDistance(let gamma):
            for j in others { store(row, j, gaussian(gamma, m[row + j]), &sum) }
        }
        m[row + i] = kind.diagonal
        rowSums[i] = sum
    }
}

/// exp(−γ·d²), with ∞·0 (σ → 0 at d = 0) taken as its limit 1.
@inline(__always)
private func gaussian(_ gamma: Double, _ squaredDistance: Double) -> Double {
    let t = gamma * squaredDistance
    return t.isNaN ? 1 : exp(-t)
}
