/// `alpha · op(a) · op(b)` where `op` transposes when asked (BLAS `gemm`).
///
/// - Complexity: O(m·n·k) flops, run by OpenBLAS with `BLAS.threadCount` threads.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func matmul<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>,
                                    transposeA: Bool = false, transposeB: Bool = false,
                                    alpha: T = 1) -> Matrix<T> {
    let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
    let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
    precondition(k == kb, "matmul: inner dimensions differ (\(m)×\(k) · \(kb)×\(n))")
    var c = Matrix<T>(rows: m, columns: n)
    guard m > 0, n > 0 else { return c }
    if k == 0 { return c }
    T._gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.storage, lda: max(1, a.columns), b: b.storage, ldb: max(1, b.columns),
            beta: 0, c: &c.storage, ldc: max(1, n))
    return c
}

/// `c ← alpha · op(a) · op(b) + beta · c`, reusing `c`'s storage (no allocation).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func matmulAccumulate<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>, into c: inout Matrix<T>,
                                              transposeA: Bool = false, transposeB: Bool = false,
                                              alpha: T = 1, beta: T = 0) {
    let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
    let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
    precondition(k == kb && c.rows == m && c.columns == n, "matmulAccumulate: shapes do not conform")
    guard m > 0, n > 0, k > 0 else { return }
    T._gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.storage, lda: max(1, a.columns), b: b.storage, ldb: max(1, b.columns),
            beta: beta, c: &c.storage, ldc: max(1, n))
}

/// The Gram matrix `X·Xᵀ` (rows × rows), symmetric, computed once per pair by `syrk`.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func gram<T: LinalgScalar>(_ x: Matrix<T>) -> Matrix<T> {
    var c = Matrix<T>(rows: x.rows, columns: x.rows)
    guard x.rows > 0, x.columns > 0 else { return c }
    T._syrk(n: x.rows, k: x.columns, alpha: 1, a: x.storage, lda: x.columns, c: &c.storage)
    // syrk fills the upper triangle only.
    let n = x.rows
    for i in 0..<n {
        for j in 0..<i { c.storage[i * n + j] = c.storage[j * n + i] }
    }
    return c
}

/// `c ← alpha · X·Xᵀ` on the upper triangle only (`j ≥ i`, row-major), reusing
/// `c`'s storage; the strictly lower triangle is left as it was. Half the flops
/// of `matmul(x, x, transposeB: true)`, for callers that exploit symmetry.
///
/// - Precondition: `c` is `x.rows × x.rows`.
/// - Complexity: n²·p flops (`syrk`), run by OpenBLAS with `BLAS.threadCount` threads.
public func gramUpper<T: LinalgScalar>(_ x: Matrix<T>, into c: inout Matrix<T>, alpha: T = 1) {
    precondition(c.rows == x.rows && c.columns == x.rows, "gramUpper: c must be \(x.rows)×\(x.rows)")
    guard x.rows > 0 else { return }
    guard x.columns > 0 else {
        for i in 0..<x.rows { for j in i..<x.rows { c[i, j] = 0 } }
        return
    }
    T._syrk(n: x.rows, k: x.columns, alpha: alpha, a: x.storage, lda: x.columns, c: &c.storage)
}
