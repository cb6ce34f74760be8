import Dispatch
import Linalg

/// The floor of one RegBN training step on this machine (issue 14): the two rank-k
/// GEMMs of the official step (W_hat = V·diag(c)·Uᵀ·F and G·W_hat, 2·Q·k·P + 2·b·Q·P
/// flops) at the GEMM rate measured here, the thin SVD of the b × Q batch as measured
/// here, and two passes over W (a read, then a read-write) at the speed measured here.
/// Every part is measured with the thread budget the step gets (`threads`).
struct StepFloor<T: LinalgScalar> {
    let batch: Int, q: Int, p: Int
    let threads: Int

    private var squareA: Matrix<T>, squareB: Matrix<T>, squareC: Matrix<T>
    private let gBatch: Matrix<T>
    /// W split into one part per thread, each passed over by its own thread.
    private var wParts: [Matrix<T>]

    static var squareSize: Int { 1024 }

    init(batch: Int, q: Int, p: Int, threads: Int) {
        self.batch = batch
        self.q = q
        self.p = p
        self.threads = threads
        var random = BenchRandom(seed: 11)
        let n = Self.squareSize
        squareA = random.matrix(n, n)
        squareB = random.matrix(n, n)
        squareC = Matrix(rows: n, columns: n)
        gBatch = random.matrix(batch, q)
        // As the step shards W: small W in one piece (threads would cost more than they save).
        let parts = q * p >= 1 << 15 ? max(1, min(threads, q)) : 1
        wParts = (0..<parts).map { i in random.matrix((i + 1) * q / parts - i * q / parts, p) }
    }

    var k: Int { min(batch, q) }
    /// 2·Q·k·P (W_hat) + 2·b·Q·P (G·W_hat).
    var gemmFlops: Double { 2 * Double(q) * Double(k) * Double(p) + 2 * Double(batch) * Double(q) * Double(p) }
    var wBytes: Double { Double(q * p * MemoryLayout<T>.stride) }

    /// Seconds of one square GEMM (n³ multiply-adds) with `threads` OpenBLAS threads.
    mutating func squareGEMMSeconds() -> Double {
        BLAS.threadCount = threads
        return seconds { matmulAccumulate(squareA, squareB, into: &squareC) }
    }

    var squareGEMMFlops: Double { 2 * Double(Self.squareSize * Self.squareSize * Self.squareSize) }

    /// The faster of the thin SVD on one OpenBLAS thread and on `threads`, each timed
    /// right after an untimed call, as warm as the step's SVD (whose batch it has just
    /// normalised).
    func svdSeconds() -> Double {
        Set([1, threads]).map { count in
            BLAS.threadCount = count
            _ = try? thinSVD(gBatch)
            return seconds { _ = try? thinSVD(gBatch) }
        }.min() ?? .nan
    }

    /// Seconds of a read pass over W (Σ w²) and of a read-write pass (w ← (w − 0)·1 in
    /// place), each part of W on its own thread.
    mutating func wPassSeconds() -> (read: Double, readWrite: Double) {
        // The parts move into the boxes, so the in-place pass writes without a copy.
        let parts = wParts.map(PassPart.init)
        wParts = []
        let read = seconds {
            DispatchQueue.concurrentPerform(iterations: parts.count) { i in
                parts[i].sink = sumOfSquares(parts[i].w.storage, parts[i].w.storage.indices)
            }
        }
        let readWrite = seconds {
            DispatchQueue.concurrentPerform(iterations: parts.count) { i in
                standardize(&parts[i].w.storage, 0..<parts[i].w.storage.count, center: 0, scale: 1)
            }
        }
        wParts = parts.map(\.w)
        return (read, readWrite)
    }
}

/// One thread's part of W in the pass benchmark (each part is touched by one thread only).
private final class PassPart<T: LinalgScalar>: @unchecked Sendable {
    var w: Matrix<T>
    var sink = 0.0
    init(_ w: Matrix<T>) { self.w = w }
}

