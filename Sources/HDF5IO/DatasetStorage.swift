/// How `HDF5Writer` stores a dataset.
public enum DatasetStorage: Sendable, Equatable {
    case contiguous
    /// Data kept in the object header: only for small arrays (< 64 KiB).
    case compact
    /// Chunked with an optional filter pipeline; `chunks: nil` picks chunks of
    /// whole samples of about 1 MiB.
    case chunked(chunks: [Int]?, gzipLevel: Int? = nil, shuffle: Bool = false, fletcher32: Bool = false)

    /// Largest payload HDF5 accepts in an object header.
    static let compactLimit = 64 * 1024 - 1024

    /// Chunk shape for `shape` with elements of `elementSize` bytes: whole
    /// samples along axis 0, about `target` bytes per chunk.
    static func defaultChunks(for shape: [Int], elementSize: Int, target: Int = 1 << 20) -> [Int] {
        guard let samples = shape.first else { return [] }
        let sampleBytes = max(1, shape.dropFirst().reduce(elementSize, *))
        let rows = max(1, min(samples, target / sampleBytes))
        return [rows] + shape.dropFirst().map { max(1, $0) }
    }
}
