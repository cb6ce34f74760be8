import Dispatch

// The module's only use of raw pointers. Kernel passes split an n×n buffer into
// row blocks that worker threads write concurrently; Swift arrays cannot be
// mutated from several threads, so the workers share a pointer to the array's
// storage, valid only inside `withShared` and written at disjoint indices.

/// A view of an array's storage that worker threads read, or write at indices
/// no other worker touches. Valid only inside the `withShared` call that made it.
struct SharedBuffer<Element>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>?
    let count: Int

    fileprivate init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress
        count = buffer.count
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            assert(index >= 0 && index < count, "SharedBuffer index \(index) out of 0..<\(count)")
            return base.unsafelyUnwrapped[index]
        }
        nonmutating set {
            assert(index >= 0 && index < count, "SharedBuffer index \(index) out of 0..<\(count)")
            base.unsafelyUnwrapped[index] = newValue
        }
    }
}

/// Calls `body` with a shared view of `array`'s storage.
func withShared<Element, Result>(_ array: inout [Element],
                                 _ body: (SharedBuffer<Element>) throws -> Result) rethrows -> Result {
    try array.withUnsafeMutableBufferPointer { try body(SharedBuffer($0)) }
}

enum Parallel {
    /// Runs `body(c)` once for every chunk c in 0..<chunks on at most `threads`
    /// workers (worker w takes chunks w, w + threads, …). Callers keep results
    /// per chunk and combine them in chunk order, so the numbers never depend
    /// on the thread count. `body` must not call BLAS: OpenBLAS runs its own
    /// threads and nesting both would oversubscribe the cores.
    static func forEachChunk(_ chunks: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        let workers = max(1, min(threads, chunks))
        if workers == 1 {
            for c in 0..<chunks { body(c) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var c = worker
            while c < chunks {
                body(c)
                c += workers
            }
        }
    }

    /// Boundaries of `chunks` consecutive row blocks of the upper triangle of an
    /// n×n matrix holding about equal numbers of elements (block c is rows
    /// `bounds[c]..<bounds[c+1]`). Depends on n only, never on the thread count.
    static func triangleRowBlocks(_ n: Int, chunks requested: Int = 64) -> [Int] {
        let chunks = max(1, min(n, requested))
        var bounds = [0]
        for c in 1..<chunks {
            // Rows below the boundary hold c/chunks of the triangle's n²/2 elements.
            let remaining = Double(n) * (1 - Double(c) / Double(chunks)).squareRoot()
            bounds.append(min(n, max(bounds[c - 1], n - Int(remaining.rounded()))))
        }
        bounds.append(n)
        return bounds
    }
}
