import Cluster
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
///
/// W is held as column shards (blocks of f's features, `ProjectionShard`). An update
/// makes two passes over W — the gap, then the blend — with W_hat multiplied out tile by
/// tile from its factors and stored whole only when it is small; the shards run on
/// parallel threads. The shard boundaries depend on the shape only, so W is the same
/// for any thread count.
///
/// In a run over several ranks each rank's projection holds its columns of f
/// (`globalColumns`) and adds its part of the gap and of ‖W‖² to the other ranks'
/// in rank order; with one rank it holds all of W.
public struct RunningProjection<T: LinalgScalar>: Sendable, Equatable {
    /// Q, the flattened g width.
    public let rows: Int
    /// The columns held here (P with one rank).
    public let columns: Int
    /// Which of f's columns these are.
    public let globalColumns: Range<Int>
    /// P, the flattened f width over all ranks.
    public let totalColumns: Int
    private(set) var shards: [ProjectionShard<T>]
    public private(set) var m: T = 0
    public private(set) var v: T = 0

    public init(rows: Int, columns: Int) {
        self.init(rows: rows, globalColumns: 0..<columns, totalColumns: columns)
    }

    /// Rank's columns `globalColumns` of a Q × `totalColumns` running W, zero. Each column
    /// block is allocated by itself: a whole zero W cut into blocks would hold W twice at
    /// the start (and glibc, told to keep freed memory, would keep the second copy).
    public init(rows: Int, globalColumns: Range<Int>, totalColumns: Int) {
        let columns = globalColumns.count
        self.init(rows: rows, columns: columns, m: 0, v: 0, columnBlocks: Self.columnBlocks(rows: rows, columns: columns),
                  tileRows: { ProjectionShard<T>.tileRows(rows: rows, columns: columns, width: $0.count) },
                  globalColumns: globalColumns, totalColumns: totalColumns) { block in
            Matrix(rows: rows, columns: block.count)
        }
    }

    public init(w: Matrix<T>, m: T, v: T) {
        self.init(w: w, m: m, v: v, globalColumns: 0..<w.columns, totalColumns: w.columns)
    }

    init(w: Matrix<T>, m: T, v: T, globalColumns: Range<Int>, totalColumns: Int) {
        let blocks = Self.columnBlocks(rows: w.rows, columns: w.columns)
        self.init(w: w, m: m, v: v, columnBlocks: blocks,
                  tileRows: { ProjectionShard<T>.tileRows(rows: w.rows, columns: w.columns, width: $0.count) },
                  globalColumns: globalColumns, totalColumns: totalColumns)
    }

    /// W cut into `columnBlocks` (consecutive, covering every column), each block's W_hat
    /// multiplied out `tileRows(block)` rows at a time. Tests choose the layout here.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    init(w: Matrix<T>, m: T, v: T, columnBlocks: [Range<Int>], tileRows: (Range<Int>) -> Int,
         globalColumns: Range<Int>? = nil, totalColumns: Int? = nil) {
        self.init(rows: w.rows, columns: w.columns, m: m, v: v, columnBlocks: columnBlocks, tileRows: tileRows,
                  globalColumns: globalColumns, totalColumns: totalColumns) { w.columns($0) }
    }

    /// The shards of a `rows × columns` W whose block `b` is `block(b)`.
    private init(rows: Int, columns: Int, m: T, v: T, columnBlocks: [Range<Int>], tileRows: (Range<Int>) -> Int,
                 globalColumns: Range<Int>?, totalColumns: Int?, block: (Range<Int>) -> Matrix<T>) {
        precondition(columnBlocks.first?.lowerBound == 0 && columnBlocks.last?.upperBound == columns
                     && zip(columnBlocks, columnBlocks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound },
                     "column blocks \(columnBlocks) do not cover 0..<\(columns)")
        self.rows = rows
        self.columns = columns
        self.globalColumns = globalColumns ?? 0..<columns
        self.totalColumns = totalColumns ?? columns
        precondition(self.globalColumns.count == columns && self.globalColumns.upperBound <= self.totalColumns,
                     "a \(rows)×\(columns) W cannot hold columns \(self.globalColumns) of \(self.totalColumns)")
        shards = columnBlocks.map { ProjectionShard(w: block($0), columns: $0, tileRows: tileRows($0)) }
        self.m = m
        self.v = v
    }

    /// Equal W, m and v on the same columns, however W is cut into blocks.
    public static func == (a: RunningProjection, b: RunningProjection) -> Bool {
        guard a.rows == b.rows, a.globalColumns == b.globalColumns, a.totalColumns == b.totalColumns,
              a.m == b.m, a.v == b.v else { return false }
        if a.shards.map(\.columns) == b.shards.map(\.columns) { return a.shards == b.shards }
        return a.w == b.w
    }

    /// W (Q × P), or this rank's columns of it, assembled from its column blocks:
    /// O(Q·P) time and memory.
    public var w: Matrix<T> { assembled() }

    /// Rows `range` of W (or of this rank's columns of it), assembled from the column
    /// blocks: O(|range|·P) memory, never a copy of all of W.
    public func rows(_ range: Range<Int>) -> Matrix<T> {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) of a W of \(rows) rows")
        var block = Matrix<T>(rows: range.count, columns: columns)
        for shard in shards { block.replaceColumns(shard.columns, with: shard.w.rows(range)) }
        return block
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func assembled() -> Matrix<T> {
        var whole = Matrix<T>(rows: rows, columns: columns)
        for shard in shards { whole.replaceColumns(shard.columns, with: shard.w) }
        return whole
    }

    /// The column blocks W is sharded into. Small W (< 2¹⁵ elements or < 32 columns) stays
    /// whole: threads would cost more than they save. Larger W is split into an even number
    /// of blocks, 2·⌈P/256⌉ but at most P/16 (64–128 columns wide once P ≥ 128), so that
    /// two threads get equal shares.
    static func columnBlocks(rows: Int, columns: Int) -> [Range<Int>] {
        guard rows * columns >= 1 << 15, columns >= 32 else { return [0..<columns] }
        let count = min(columns / 16, 2 * ((columns + 255) / 256))
        return (0..<count).map { b in (b * columns / count)..<((b + 1) * columns / count) }
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

    /// Blends W towards this batch's `W_hat` (given by its factors, for the columns held
    /// here), spreading the blocks over up to `threads` threads. The gap and ‖W‖² are
    /// sums over every rank's columns: each rank adds its blocks in block order, the
    /// ranks' parts are added in rank order.
    mutating func update(with factors: RidgeFactors<T>, epoch: Int, beta1: Double, beta2: Double,
                         momentum: Double, threads: Int,
                         communicator: any Communicator = SingleProcess()) throws(CommunicatorError) -> Update {
        precondition(factors.rows == rows && factors.columns == columns, "W_hat shape differs from W")
        // Each shard's part of Σ|W − W_hat|, added in shard order.
        let gapSums = mutateConcurrently(&shards, threads: threads) { $0.beginUpdate(factors) }
        let gapSum = try communicator.allreduceSum(gapSums.reduce(0, +))
        let gap = T(gapSum / (Double(rows) * Double(totalColumns)))
        m = T(beta1) * m + T(1 - beta1) * gap
        v = T(beta2) * v + T(1 - beta2) * (gap * gap)
        let mHat = m / T(1 - pow(beta1, Double(epoch + 1)))
        let vHat = v / T(1 - pow(beta2, Double(epoch + 1)))
        let eta = T(momentum) * mHat / (vHat.squareRoot() + T(1e-8))
        let keep = 1 - eta
        let squares = mutateConcurrently(&shards, threads: threads) { $0.finishUpdate(keep: keep, eta: eta) }
        let squareSum = try communicator.allreduceSum(squares.reduce(0, +))
        return Update(l1Gap: gap, m: m, v: v, eta: eta, wFrobeniusAfter: T(squareSum.squareRoot()))
    }

    /// `residual ← residual − x·W`, shard by shard (x: b × Q, residual: b × P).
    func subtractProjection(of x: Matrix<T>, from residual: inout Matrix<T>) {
        for shard in shards {
            matmulAccumulate(x.block(), shard.w.block(), into: &residual, columns: shard.columns,
                             alpha: -1, beta: 1)
        }
    }
}
