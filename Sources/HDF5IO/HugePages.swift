#if canImport(Glibc)
    import Glibc
#endif

/// Asks Linux for transparent huge pages on large read buffers, as NumPy does
/// for its arrays. Fresh memory is mapped on first touch; with 4 KiB pages a
/// 1 GiB read spends most of its time in page faults (measured ≈5× slower
/// than with 2 MiB pages where THP is in `madvise` mode).
enum HugePages {
    static let threshold = 4 << 20

    static func advise(_ start: UnsafeMutableRawPointer?, bytes: Int) {
        #if os(Linux)
            guard bytes >= threshold, let start else { return }
            let page = 4096
            let first = (Int(bitPattern: start) + page - 1) & ~(page - 1)
            let last = (Int(bitPattern: start) + bytes) & ~(page - 1)
            guard last > first else { return }
            // Advisory only: a kernel without THP leaves the buffer as it is.
            _ = madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, Int32(MADV_HUGEPAGE))
        #endif
    }
}
