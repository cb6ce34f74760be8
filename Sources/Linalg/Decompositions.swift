/// Thin singular value decomposition `A = U·diag(s)·Vᵀ`, `k = min(rows, columns)`.
public struct ThinSVD<T: LinalgScalar>: Sendable {
    /// rows × k, orthonormal columns.
    public let u: Matrix<T>
    /// k singular values, descending.
    public let s: [T]
    /// k × columns, orthonormal rows.
    public let vt: Matrix<T>

    /// A decomposition computed elsewhere (another rank's, received whole).
    public init(u: Matrix<T>, s: [T], vt: Matrix<T>) {
        precondition(u.columns == s.count && vt.rows == s.count, "U, s and Vᵀ of different ranks")
        self.u = u
        self.s = s
        self.vt = vt
    }
}

@_specialize(where T == Float)
@_specialize(where T == Double)
private func requireFinite<T: LinalgScalar>(_ a: Matrix<T>, _ routine: String) throws {
    guard allFinite(a.storage) else { throw LinalgError.nonFinite(routine: routine) }
}

private func check(_ info: Int32, _ routine: String) throws {
    if info < 0 { throw LinalgError.illegalArgument(routine: routine, position: -info) }
    if info > 0 { throw LinalgError.didNotConverge(routine: routine, info: info) }
}

/// Thin SVD by LAPACK's divide-and-conquer `?gesdd` (what torch.linalg.svd uses on CPU).
///
/// `gesdd` overwrites its input: a matrix handed over at its last use is decomposed in
/// its own storage, any other is copied once (copy on write).
///
/// - Throws: `LinalgError.nonFinite` on NaN/±inf, `.didNotConverge` if LAPACK fails.
/// - Complexity: O(m·n·min(m, n)).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func thinSVD<T: LinalgScalar>(_ a: consuming Matrix<T>) throws -> ThinSVD<T> {
    try requireFinite(a, "gesdd")
    let m = a.rows, n = a.columns, k = min(m, n)
    guard k > 0 else {
        return ThinSVD(u: Matrix(rows: m, columns: 0), s: [], vt: Matrix(rows: 0, columns: n))
    }
    var s = [T](repeating: 0, count: k)
    var u = [T](repeating: 0, count: m * k)
    var vt = [T](repeating: 0, count: k * n)
    try check(T._gesdd(wantVectors: true, m: m, n: n, a: &a.storage, s: &s, u: &u, vt: &vt), "gesdd")
    return ThinSVD(u: Matrix(rows: m, columns: k, storage: u), s: s,
                   vt: Matrix(rows: k, columns: n, storage: vt))
}

/// Singular values only (descending), `min(rows, columns)` of them; like `thinSVD`,
/// decomposes a matrix handed over at its last use in its own storage.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func singularValues<T: LinalgScalar>(_ a: consuming Matrix<T>) throws -> [T] {
    try requireFinite(a, "gesdd")
    let k = min(a.rows, a.columns)
    guard k > 0 else { return [] }
    var s = [T](repeating: 0, count: k)
    var unused: [T] = [0]
    var unused2: [T] = [0]
    try check(T._gesdd(wantVectors: false, m: a.rows, n: a.columns, a: &a.storage, s: &s,
                       u: &unused, vt: &unused2), "gesdd")
    return s
}

/// Eigen-decomposition of a symmetric matrix: ascending eigenvalues and, row i
/// of `vectors`, the unit eigenvector of eigenvalue i. Only the upper triangle is read;
/// a matrix handed over at its last use is decomposed in its own storage.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func symmetricEigen<T: LinalgScalar>(_ a: consuming Matrix<T>) throws -> (values: [T], vectors: Matrix<T>) {
    precondition(a.rows == a.columns, "symmetricEigen needs a square matrix")
    try requireFinite(a, "syevd")
    guard a.rows > 0 else { return ([], a) }
    var w = [T](repeating: 0, count: a.rows)
    try check(T._syevd(wantVectors: true, n: a.rows, a: &a.storage, w: &w), "syevd")
    // LAPACK leaves eigenvector j in column j (column-major), which is row j read row-major.
    return (w, a)
}
