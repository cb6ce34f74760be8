import COpenBLAS

/// How the process's allocator treats the buffers numerical loops free and reallocate.
public enum MemoryPolicy {
    /// Makes glibc keep freed memory for reuse: allocations up to 32 MiB come from the
    /// heap instead of fresh mappings, and up to 256 MiB of freed memory stays with the
    /// process instead of going back to the system.
    ///
    /// A RegBN step allocates and frees the same few hundred KiB every step; with glibc's
    /// defaults (128 KiB thresholds) those pages went back to the system and were touched
    /// afresh each step — 15 page faults per step and 20 % of a b = 256 float64 step
    /// (measured), and fresh pages are slow on these machines (NOTES.md). The resident
    /// high-water mark does not grow: memory is kept, not added. Idempotent; the first
    /// call wins.
    public static func keepFreedMemory() {
        _ = applied
    }

    private static let applied: Bool = linalg_keep_freed_memory(32 << 20, 256 << 20) != 0
}
