// Element-wise loops of the method, specialised for Float and Double: called
// from generic code in another module they would otherwise run through
// protocol witnesses element by element (≈10× slower on these sizes).

/// A zero-filled rows × columns matrix (Linalg's generic fill is unspecialised).
@_specialize(where T == Float)
@_specialize(where T == Double)
func zeroMatrix<T: LinalgScalar>(_ rows: Int, _ columns: Int) -> Matrix<T> {
    Matrix(rows: rows, columns: columns, storage: [T](repeating: 0, count: rows * columns))
}

/// `op(a)·op(b)` into a fresh matrix, through BLAS.
@_specialize(where T == Float)
@_specialize(where T == Double)
func product<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>, transposeA: Bool = false,
                              transposeB: Bool = false) -> Matrix<T> {
    var c: Matrix<T> = zeroMatrix(transposeA ? a.columns : a.rows, transposeB ? b.rows : b.columns)
    matmulAccumulate(a, b, into: &c, transposeA: transposeA, transposeB: transposeB)
    return c
}

/// `mean|a − b|` with the differences formed in `T` (torch's L1Loss) and summed in Double.
@_specialize(where T == Float)
@_specialize(where T == Double)
func meanAbsoluteDifference<T: LinalgScalar>(_ a: [T], _ b: [T]) -> T {
    precondition(a.count == b.count, "meanAbsoluteDifference: lengths differ")
    guard !a.isEmpty else { return .nan }
    var sum = 0.0
    for i in a.indices { sum += Double(abs(a[i] - b[i])) }
    return T(sum / Double(a.count))
}

/// `w ← keep·w + eta·x` element-wise in `T`; returns `Σ w²` (Double) of the result.
@_specialize(where T == Float)
@_specialize(where T == Double)
func blend<T: LinalgScalar>(_ w: inout [T], keep: T, eta: T, with x: [T]) -> Double {
    precondition(w.count == x.count, "blend: lengths differ")
    var squares = 0.0
    for i in w.indices {
        let value = keep * w[i] + eta * x[i]
        w[i] = value
        squares += Double(value) * Double(value)
    }
    return squares
}

/// Scales row i of `a` by `factors[i]` in place.
@_specialize(where T == Float)
@_specialize(where T == Double)
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
func difference<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Matrix<T> {
    precondition(a.rows == b.rows && a.columns == b.columns, "difference: shapes differ")
    var out = a
    for i in out.storage.indices { out.storage[i] -= b.storage[i] }
    return out
}
