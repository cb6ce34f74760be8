/// Columns `columns` of the running W (every one of its Q rows, stored contiguously
/// as Q × width) and the update of those columns.
///
/// The running-W update is a loop over shards whose only coupling is the gap
/// `mean|W − W_hat|`, a sum the shards add up. Each shard first reports its part
/// (`beginUpdate`), the caller reduces the parts in shard order into η, and each shard
/// then blends its columns (`finishUpdate`). That is the seam for spreading W over
/// threads here and over processes, each holding some shards, later.
///
/// W_hat is multiplied out tile by tile (`tile.rows` rows at a time) and never stored
/// whole, unless W is small enough for each shard to keep its part in one tile (see
/// `tileRows`): then the blend reuses the tile the gap pass left instead of repeating
/// the GEMM.
struct ProjectionShard<T: LinalgScalar>: Sendable, Equatable {
    let columns: Range<Int>
    private(set) var w: Matrix<T>
    /// Scratch for W_hat's tiles (`tile.rows` × width), reused every step; not state.
    private var tile: Matrix<T>
    /// The factors between `beginUpdate` and `finishUpdate`.
    private var pending: RidgeFactors<T>?

    /// Columns `columns` of W, holding `w` (Q × width), with W_hat tiles of `tileRows` rows.
    init(w: Matrix<T>, columns: Range<Int>, tileRows: Int) {
        precondition(w.columns == columns.count, "shard of \(columns.count) columns holds a \(w.rows)×\(w.columns) W")
        self.columns = columns
        self.w = w
        tile = Matrix(rows: max(1, min(w.rows, tileRows)), columns: columns.count)
    }

    /// Rows per W_hat tile, for a shard of `width` columns of a `rows × columns` W.
    ///
    /// A tile of 2¹⁵ elements (128 KiB in float32) stays in a core's L2 cache between the
    /// GEMM that writes it and the pass that reads it. When the whole W_hat is small
    /// (≤ 2²² elements: 16 MiB in float32), each shard keeps its part in one tile instead:
    /// the blend then reuses what the gap pass computed rather than repeating the GEMM
    /// (measured: one GEMM costs more than the extra pass through memory), and the extra
    /// memory is bounded. Larger W never has W_hat stored.
    static func tileRows(rows: Int, columns: Int, width: Int) -> Int {
        if rows * columns <= 1 << 22 { return max(1, rows) }
        return max(1, min(rows, (1 << 15) / max(1, width)))
    }

    static func == (a: ProjectionShard, b: ProjectionShard) -> Bool { a.columns == b.columns && a.w == b.w }

    /// First phase of an update: `Σ |W − W_hat|` over this shard's columns, each difference
    /// in `T` (torch's L1Loss), accumulated in Double.
    mutating func beginUpdate(_ factors: RidgeFactors<T>) -> Double {
        pending = factors
        var total = 0.0
        forEachTile(factors, reusingTile: false) { shard, elements, count in
            total += sumOfAbsoluteDifferences(shard.w.storage, elements, shard.tile.storage, 0..<count)
        }
        return total
    }

    /// Second phase: `W ← keep·W + eta·W_hat` on this shard's columns, element-wise in `T`
    /// as torch computes it; returns `Σ W²` after the blend, accumulated in Double.
    mutating func finishUpdate(keep: T, eta: T) -> Double {
        guard let factors = pending else { preconditionFailure("finishUpdate without beginUpdate") }
        pending = nil
        var squares = 0.0
        forEachTile(factors, reusingTile: tile.rows == w.rows) { shard, elements, count in
            squares += blend(&shard.w.storage, elements, keep: keep, eta: eta, with: shard.tile.storage, 0..<count)
        }
        return squares
    }

    /// Calls `body(&self, elements, count)` with the W_hat tile of every run of `tile.rows`
    /// rows in `tile`: `elements` is that run's range in `w.storage`, and the tile's first
    /// `count` elements are its W_hat values in the same order. `reusingTile` skips the
    /// GEMM when the tile already holds the whole shard's W_hat.
    private mutating func forEachTile(_ factors: RidgeFactors<T>, reusingTile: Bool,
                                      _ body: (inout ProjectionShard, Range<Int>, Int) -> Void) {
        let width = columns.count
        var start = 0
        while start < w.rows {
            let rows = start..<min(w.rows, start + tile.rows)
            if !reusingTile { factors.wHatBlock(rows: rows, columns: columns, into: &tile) }
            body(&self, (rows.lowerBound * width)..<(rows.upperBound * width), rows.count * width)
            start = rows.upperBound
        }
    }
}
