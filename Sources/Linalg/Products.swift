/// A rectangular block of a row-major matrix, used in place: BLAS reads it
/// through the matrix's own leading dimension, so no element is copied. Tiled
/// and column-sharded code (RegBN's running-W update) multiplies blocks.
public struct MatrixBlock<Scalar: LinalgScalar>: Sendable {
    public let matrix: Matrix<Scalar>
    public let rows: Range<Int>
    public let columns: Range<Int>

    @inlinable
    public init(_ matrix: Matrix<Scalar>, rows: Range<Int>? = nil, columns: Range<Int>? = nil) {
        let rows = rows ?? 0..<matrix.rows
        let columns = columns ?? 0..<matrix.columns
        precondition(rows.lowerBound >= 0 && rows.upperBound <= matrix.rows
                     && columns.lowerBound >= 0 && columns.upperBound <= matrix.columns,
                     "block rows \(rows), columns \(columns) outside a \(matrix.rows)×\(matrix.columns) matrix")
        self.matrix = matrix
        self.rows = rows
        self.columns = columns
    }

    /// Index of the block's first element in `matrix.storage`.
    @inlinable
    var offset: Int { rows.lowerBound * matrix.columns + columns.lowerBound }
}

extension Matrix {
    /// Rows `rows` and columns `columns` (default: all) of this matrix, without copying.
    @inlinable
    public func block(rows: Range<Int>? = nil, columns: Range<Int>? = nil) -> MatrixBlock<Scalar> {
        MatrixBlock(self, rows: rows, columns: columns)
    }
}

/// `c[rows, columns] ← alpha · op(a) · op(b) + beta · c[rows, columns]` on blocks, in place
/// (BLAS `gemm`); `rows`/`columns` default to all of `c`. With `beta = 0` the block's old
/// contents are never read, so it may hold anything (even NaN).
///
/// - Complexity: O(m·n·k) flops, run by OpenBLAS with `BLAS.threadCount` threads.
@inlinable
public func matmulAccumulate<T: LinalgScalar>(_ a: MatrixBlock<T>, _ b: MatrixBlock<T>, into c: inout Matrix<T>,
                                              rows: Range<Int>? = nil, columns: Range<Int>? = nil,
                                              transposeA: Bool = false, transposeB: Bool = false,
                                              alpha: T = 1, beta: T = 0) {
    let (m, k) = transposeA ? (a.columns.count, a.rows.count) : (a.rows.count, a.columns.count)
    let (kb, n) = transposeB ? (b.columns.count, b.rows.count) : (b.rows.count, b.columns.count)
    // c's block is described by ranges, not a MatrixBlock: a second reference to c's
    // storage would make the write below copy the whole array.
    let cRows = rows ?? 0..<c.rows, cColumns = columns ?? 0..<c.columns
    precondition(cRows.lowerBound >= 0 && cRows.upperBound <= c.rows
                 && cColumns.lowerBound >= 0 && cColumns.upperBound <= c.columns,
                 "matmulAccumulate: block rows \(cRows), columns \(cColumns) outside a \(c.rows)×\(c.columns) matrix")
    precondition(k == kb && cRows.count == m && cColumns.count == n,
                 "matmulAccumulate: \(m)×\(k) · \(kb)×\(n) does not conform to a \(cRows.count)×\(cColumns.count) block")
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        // An empty inner dimension makes the product zero: c ← beta·c on the block.
        for i in cRows {
            for j in cColumns { c[i, j] = beta == 0 ? 0 : beta * c[i, j] }
        }
        return
    }
    T._gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.matrix.storage, aOffset: a.offset, lda: max(1, a.matrix.columns),
            b: b.matrix.storage, bOffset: b.offset, ldb: max(1, b.matrix.columns),
            beta: beta, c: &c.storage, cOffset: cRows.lowerBound * c.columns + cColumns.lowerBound,
            ldc: max(1, c.columns))
}

/// `c ← alpha · op(a) · op(b) + beta · c`, reusing `c`'s storage (no allocation).
@inlinable
public func matmulAccumulate<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>, into c: inout Matrix<T>,
                                              transposeA: Bool = false, transposeB: Bool = false,
                                              alpha: T = 1, beta: T = 0) {
    matmulAccumulate(a.block(), b.block(), into: &c, transposeA: transposeA, transposeB: transposeB,
                     alpha: alpha, beta: beta)
}

/// `alpha · op(a) · op(b)` into a new matrix (BLAS `gemm`).
///
/// - Complexity: O(m·n·k) flops, run by OpenBLAS with `BLAS.threadCount` threads.
@inlinable
public func matmul<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>,
                                    transposeA: Bool = false, transposeB: Bool = false,
                                    alpha: T = 1) -> Matrix<T> {
    var c = Matrix<T>(rows: transposeA ? a.columns : a.rows, columns: transposeB ? b.rows : b.columns)
    matmulAccumulate(a, b, into: &c, transposeA: transposeA, transposeB: transposeB, alpha: alpha)
    return c
}

/// `c ← alpha · X·Xᵀ` on the upper triangle only (`j ≥ i`, row-major), reusing
/// `c`'s storage; the strictly lower triangle is left as it was. Half the flops
/// of `matmul(x, x, transposeB: true)`, for callers that exploit symmetry.
///
/// - Precondition: `c` is `x.rows × x.rows`.
/// - Complexity: n²·p flops (`syrk`), run by OpenBLAS with `BLAS.threadCount` threads.
@inlinable
public func gramUpper<T: LinalgScalar>(_ x: Matrix<T>, into c: inout Matrix<T>, alpha: T = 1) {
    precondition(c.rows == x.rows && c.columns == x.rows, "gramUpper: c must be \(x.rows)×\(x.rows)")
    guard x.rows > 0 else { return }
    guard x.columns > 0 else {
        for i in 0..<x.rows { for j in i..<x.rows { c[i, j] = 0 } }
        return
    }
    T._syrk(n: x.rows, k: x.columns, alpha: alpha, a: x.storage, lda: x.columns, c: &c.storage)
}
