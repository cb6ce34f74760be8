// Element-wise loops of the method, specialised for Float and Double (and kept
// out of line so generic callers reach the specialisations): called
// from generic code in another module they would otherwise run through
// protocol witnesses element by element (≈10× slower on these sizes).

/// A zero-filled rows × columns matrix (Linalg's generic fill is unspecialised).
@_specialize(where T == Float)
@_specialize(where T == Double)
@inline(never)
func zeroMatrix<T: LinalgScalar>(_ rows: Int, _ columns: Int) -> Matrix<T> {
    Matrix(rows: rows, columns: columns, storage: [T](repeating: 0, count: rows * columns))
}

/// `op(a)·op(b)` into a fresh matrix, through BLAS.
@_specialize(where T == Float)
@_specialize(where T == Double)
@inline(never)
func product<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>, transposeA: Bool = false,
                              transposeB: Bool = false) -> Matrix<T> {
    var c: Matrix<T> = zeroMatrix(transposeA ? a.columns : a.rows, transposeB ? b.rows : b.columns)
    matmulAccumulate(a, b, into: &c, transposeA: transposeA, transposeB: transposeB)
    return c
}

/// `mean|a − b|` with the differences formed in `T` (torch's L1Loss) and summed in Double.
@_specialize(where T == Float)
@_specialize(where T == Double)
@inline(never)
func meanAbsoluteDifference<T: LinalgScalar>(_ a: [T], _ b: [T]) -> T {
    precondition(a.count == b.count, "meanAbsoluteDifference: lengths differ")
    guard !a.isEmpty else { return .nan }
    return T(absoluteDifferenceSum(a, b) / Double(a.count))
}

/// `Σ term(i)` for i in 0..<n with eight interleaved Double accumulators: the
/// additions no longer wait on each other (a single running sum is latency-bound
/// on million-element arrays) and the rounding error shrinks as well.
@inline(__always)
func pairwiseSum(_ n: Int, _ term: (Int) -> Double) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    var i = 0
    while i + 8 <= n {
        s0 += term(i); s1 += term(i + 1); s2 += term(i + 2); s3 += term(i + 3)
        s4 += term(i + 4); s5 += term(i + 5); s6 += term(i + 6); s7 += term(i + 7)
        i += 8
    }
    while i < n { s0 += term(i); i += 1 }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

/// `w ← keep·w + eta·x` element-wise in `T`; returns `Σ w²` (Double) of the result.
@_specialize(where T == Float)
@_specialize(where T == Double)
@inline(never)
func blend<T: LinalgScalar>(_ w: inout [T], keep: T, eta: T, with x: [T]) -> Double {
    precondition(w.count == x.count, "blend: lengths differ")
    for i in w.indices { w[i] = keep * w[i] + eta * x[i] }
    return squareSum(w)
}

/// Scales row i of `a` by `factors[i]` in place.
@_specialize(where T == Float)
@_specialize(where T == Double)
@inline(never)
func scaleRows<T: LinalgScalar>(_ a: inout Matrix<T>, by factors: [T]) {
    let p = a.columns
    for i in 0..<a.rows {
        let c = factors[i]
        for j in (i * p)..<((i + 1) * p) { a.storage[j] *= c }
    }
}

/// `a − b` element-wise in `T`.
@_specialize(where T == Float)
@_specialize(where T == Double)
@inline(never)
func difference<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Matrix<T> {
    precondition(a.rows == b.rows && a.columns == b.columns, "difference: shapes differ")
    var out = a
    for i in out.storage.indices { out.storage[i] -= b.storage[i] }
    return out
}
