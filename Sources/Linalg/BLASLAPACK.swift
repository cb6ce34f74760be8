import COpenBLAS
import Synchronization

// The only file in the package that touches CBLAS/LAPACK pointers. Everything
// here is row-major on the Swift side; where a column-major LAPACK routine is
// called, the comment beside it states the transposition that makes it work.

/// A floating-point type with BLAS/LAPACK kernels (Float → s*, Double → d*).
/// The underscored requirements are implementation details of this module.
public protocol LinalgScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable, LosslessStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// `c[cOffset...] ← alpha·op(a[aOffset...])·op(b[bOffset...]) + beta·c[cOffset...]`, row-major,
    /// each operand read through its leading dimension (a block of a larger matrix needs no copy).
    static func _gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                      a: [Self], aOffset: Int, lda: Int, b: [Self], bOffset: Int, ldb: Int, beta: Self,
                      c: inout [Self], cOffset: Int, ldc: Int)
    static func _syrk(n: Int, k: Int, alpha: Self, a: [Self], lda: Int, c: inout [Self])
    static func _gesdd(wantVectors: Bool, m: Int, n: Int, a: inout [Self],
                       s: inout [Self], u: inout [Self], vt: inout [Self]) -> Int32
    static func _syevd(wantVectors: Bool, n: Int, a: inout [Self], w: inout [Self]) -> Int32
}

private func transpose(_ flag: Bool) -> CBLAS_TRANSPOSE { flag ? CblasTrans : CblasNoTrans }

/// Pointers to elements `aOffset`, `bOffset`, `cOffset` of three non-empty arrays (the
/// callers in Products.swift check every block against its matrix before calling).
private func withOperands<T>(_ a: [T], _ aOffset: Int, _ b: [T], _ bOffset: Int, _ c: inout [T], _ cOffset: Int,
                             _ body: (UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) {
    precondition(aOffset < a.count && bOffset < b.count && cOffset < c.count, "gemm: block offset outside its matrix")
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                guard let a0 = pa.baseAddress, let b0 = pb.baseAddress, let c0 = pc.baseAddress else { return }
                body(a0 + aOffset, b0 + bOffset, c0 + cOffset)
            }
        }
    }
}

/// Runs a LAPACK routine twice: once with `lwork = -1` to learn the workspace
/// sizes, then for real. `call(work, lwork, iwork, liwork)` returns `info`.
private func withWorkspace<T: BinaryFloatingPoint>(
    _: T.Type, minimumIWork: Int,
    _ call: (UnsafeMutablePointer<T>, Int32, UnsafeMutablePointer<Int32>, Int32) -> Int32
) -> Int32 {
    var queryWork = T(0)
    var queryIWork = Int32(0)
    let queryInfo = call(&queryWork, -1, &queryIWork, -1)
    guard queryInfo == 0 else { return queryInfo }
    let lwork = max(1, Int(queryWork.rounded(.up)))
    let liwork = max(minimumIWork, Int(queryIWork), 1)
    var work = [T](repeating: 0, count: lwork)
    var iwork = [Int32](repeating: 0, count: liwork)
    return work.withUnsafeMutableBufferPointer { w in
        iwork.withUnsafeMutableBufferPointer { iw in
            call(w.baseAddress!, Int32(lwork), iw.baseAddress!, Int32(liwork))
        }
    }
}

extension Double: LinalgScalar {
    public static func _gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                             a: [Double], aOffset: Int, lda: Int, b: [Double], bOffset: Int, ldb: Int,
                             beta: Double, c: inout [Double], cOffset: Int, ldc: Int) {
        withOperands(a, aOffset, b, bOffset, &c, cOffset) { pa, pb, pc in
            cblas_dgemm(CblasRowMajor, transpose(transA), transpose(transB), Int32(m), Int32(n), Int32(k),
                        alpha, pa, Int32(lda), pb, Int32(ldb), beta, pc, Int32(ldc))
        }
    }

    public static func _syrk(n: Int, k: Int, alpha: Double, a: [Double], lda: Int, c: inout [Double]) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(k), alpha, a, Int32(lda),
                    0, &c, Int32(n))
    }

    public static func _gesdd(wantVectors: Bool, m: Int, n: Int, a: inout [Double],
                              s: inout [Double], u: inout [Double], vt: inout [Double]) -> Int32 {
        // Row-major A (m×n) is column-major Aᵀ (n×m). With Aᵀ = U'ΣV'ᵀ the
        // buffers LAPACK fills are, read row-major: vt' = U_A (m×k), u' = V_Aᵀ (k×n).
        var job: CChar = wantVectors ? 0x53 /* S */ : 0x4E /* N */
        var rows = Int32(n), cols = Int32(m), lda = Int32(n)
        var ldu = Int32(max(1, n)), ldvt = Int32(max(1, min(m, n)))
        var info: Int32 = 0
        let k = min(m, n)
        return withWorkspace(Double.self, minimumIWork: 8 * k) { work, lwork, iwork, _ in
            var lw = lwork
            dgesdd_(&job, &rows, &cols, &a, &lda, &s, &vt, &ldu, &u, &ldvt, work, &lw, iwork, &info)
            return info
        }
    }

    public static func _syevd(wantVectors: Bool, n: Int, a: inout [Double], w: inout [Double]) -> Int32 {
        // A symmetric matrix is its own transpose, so row-major storage is valid column-major input.
        var job: CChar = wantVectors ? 0x56 /* V */ : 0x4E /* N */
        var uplo: CChar = 0x55 /* U */
        var order = Int32(n), lda = Int32(max(1, n))
        var info: Int32 = 0
        return withWorkspace(Double.self, minimumIWork: 1) { work, lwork, iwork, liwork in
            var lw = lwork, liw = liwork
            dsyevd_(&job, &uplo, &order, &a, &lda, &w, work, &lw, iwork, &liw, &info)
            return info
        }
    }
}

extension Float: LinalgScalar {
    public static func _gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                             a: [Float], aOffset: Int, lda: Int, b: [Float], bOffset: Int, ldb: Int,
                             beta: Float, c: inout [Float], cOffset: Int, ldc: Int) {
        withOperands(a, aOffset, b, bOffset, &c, cOffset) { pa, pb, pc in
            cblas_sgemm(CblasRowMajor, transpose(transA), transpose(transB), Int32(m), Int32(n), Int32(k),
                        alpha, pa, Int32(lda), pb, Int32(ldb), beta, pc, Int32(ldc))
        }
    }

    public static func _syrk(n: Int, k: Int, alpha: Float, a: [Float], lda: Int, c: inout [Float]) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(k), alpha, a, Int32(lda),
                    0, &c, Int32(n))
    }

    public static func _gesdd(wantVectors: Bool, m: Int, n: Int, a: inout [Float],
                              s: inout [Float], u: inout [Float], vt: inout [Float]) -> Int32 {
        // Same transposition argument as the Double version.
        var job: CChar = wantVectors ? 0x53 : 0x4E
        var rows = Int32(n), cols = Int32(m), lda = Int32(n)
        var ldu = Int32(max(1, n)), ldvt = Int32(max(1, min(m, n)))
        var info: Int32 = 0
        let k = min(m, n)
        return withWorkspace(Float.self, minimumIWork: 8 * k) { work, lwork, iwork, _ in
            var lw = lwork
            sgesdd_(&job, &rows, &cols, &a, &lda, &s, &vt, &ldu, &u, &ldvt, work, &lw, iwork, &info)
            return info
        }
    }

    public static func _syevd(wantVectors: Bool, n: Int, a: inout [Float], w: inout [Float]) -> Int32 {
        var job: CChar = wantVectors ? 0x56 : 0x4E
        var uplo: CChar = 0x55
        var order = Int32(n), lda = Int32(max(1, n))
        var info: Int32 = 0
        return withWorkspace(Float.self, minimumIWork: 1) { work, lwork, iwork, liwork in
            var lw = lwork, liw = liwork
            ssyevd_(&job, &uplo, &order, &a, &lda, &w, work, &lw, iwork, &liw, &info)
            return info
        }
    }
}

/// OpenBLAS's process-wide settings.
public enum BLAS {
    /// Threads OpenBLAS uses for each call outside `withSingleThread` sections (small
    /// factorisations run faster on one thread, NOTES.md, so callers choose rather than
    /// inherit). Set inside a section, the count takes effect when the last section ends.
    public static var threadCount: Int {
        get { sections.withLock { $0.depth > 0 ? $0.configured : Int(openblas_get_num_threads()) } }
        set {
            sections.withLock { state in
                if state.depth > 0 {
                    state.configured = max(1, newValue)
                } else {
                    openblas_set_num_threads(Int32(max(1, newValue)))
                }
            }
        }
    }

    /// The kernel family OpenBLAS picked (e.g. "Haswell"); benchmarks print it.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The threads OpenBLAS itself is set to right now (1 inside a section).
    static var activeThreadCount: Int { Int(openblas_get_num_threads()) }

    private static let sections = Mutex(SingleThreadSections())

    /// Runs `body` with OpenBLAS on one thread, handing it `threadCount` (the caller's
    /// budget for threads of its own).
    ///
    /// Sections may overlap across threads: the first to enter switches OpenBLAS to one
    /// thread and the last to leave restores `threadCount`, so concurrent callers never
    /// undo each other. Switching costs tens of nanoseconds (measured).
    public static func withSingleThread<Result>(_ body: (_ configuredThreads: Int) throws -> Result) rethrows -> Result {
        let configured = sections.withLock { state in
            if state.depth == 0 {
                state.configured = Int(openblas_get_num_threads())
                openblas_set_num_threads(1)
            }
            state.depth += 1
            return state.configured
        }
        defer {
            sections.withLock { state in
                state.depth -= 1
                if state.depth == 0 { openblas_set_num_threads(Int32(state.configured)) }
            }
        }
        return try body(configured)
    }
}

private struct SingleThreadSections: Sendable {
    var depth = 0
    var configured = 1
}
