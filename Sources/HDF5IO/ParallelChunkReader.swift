import CHDF5
import Dispatch
import Foundation

/// Reads gzip/shuffle-compressed chunked datasets on several threads.
///
/// HDF5 inflates chunks one after another inside its global lock, which caps
/// gzip reads at one core (≈0.2–0.3 GB/s here). When a dataset's pipeline is
/// only deflate and shuffle and its file type is already the requested native
/// type, this reader fetches the raw chunks with H5Dread_chunk (under the
/// lock, a page-cache copy) and undoes the filters itself on every core,
/// scattering each chunk straight into the caller's buffer. Anything else
/// (other filters, type conversion) is left to H5Dread.
///
/// `@unchecked Sendable`: every stored property is immutable after `make`,
/// and the only HDF5 calls (in `fetch`) run under the HDF5 lock.
final class ParallelChunkReader: @unchecked Sendable {
    private let site: Site
    private let dataset: DatasetHandle
    private let shape: [Int]
    private let chunkShape: [Int]
    /// In write order; decoded in reverse.
    private let filters: [ChunkFilter]
    private let elementSize: Int
    private let fill: [UInt8]

    private var chunkBytes: Int { chunkShape.reduce(elementSize, *) }

    /// nil when the dataset is not eligible. Callers hold the lock.
    static func make(dataset: DatasetHandle, shape: [Int], kind: HDF5ElementKind, _ site: Site) throws
        -> ParallelChunkReader?
    {
        guard !shape.isEmpty else { return nil }
        let storage = try dataset.storage(site)
        guard storage.layout == .chunked, let chunks = storage.chunks, chunks.count == shape.count,
            !storage.filters.isEmpty
        else { return nil }
        let type = DatatypeHandle(
            try site.check(H5Dget_type(dataset.id), "H5Dget_type", .corruptFile, "the element type cannot be read"))
        guard H5Tequal(type.id, kind.nativeType) > 0 else { return nil }
        let elementSize = H5Tget_size(type.id)
        var filters: [ChunkFilter] = []
        for filter in storage.filters {
            switch filter.id {
            case Int(chdf5_filter_deflate()): filters.append(.deflate)
            case Int(chdf5_filter_shuffle()):
                filters.append(.shuffle(elementSize: Int(filter.parameters.first ?? UInt32(elementSize))))
            default: return nil
            }
        }
        let plist = try dataset.creationProperties(site)
        var fill = [UInt8](repeating: 0, count: elementSize)
        var defined = H5D_FILL_VALUE_ERROR
        if H5Pfill_value_defined(plist.id, &defined) >= 0, defined != H5D_FILL_VALUE_UNDEFINED {
            try site.check(
                H5Pget_fill_value(plist.id, kind.nativeType, &fill), "H5Pget_fill_value", .corruptFile,
                "the fill value cannot be read")
        }
        return ParallelChunkReader(
            site: site, dataset: dataset, shape: shape, chunkShape: chunks, filters: filters,
            elementSize: elementSize, fill: fill)
    }

    private init(
        site: Site, dataset: DatasetHandle, shape: [Int], chunkShape: [Int], filters: [ChunkFilter],
        elementSize: Int, fill: [UInt8]
    ) {
        self.site = site
        self.dataset = dataset
        self.shape = shape
        self.chunkShape = chunkShape
        self.filters = filters
        self.elementSize = elementSize
        self.fill = fill
    }

    /// The chunk origins (element coordinates) that intersect `samples`.
    func chunkOrigins(samples: Range<Int>) -> [[Int]] {
        var lower = [Int](repeating: 0, count: shape.count)
        var upper = shape.indices.map { (shape[$0] - 1) / chunkShape[$0] }
        lower[0] = samples.lowerBound / chunkShape[0]
        upper[0] = (samples.upperBound - 1) / chunkShape[0]
        var origins: [[Int]] = []
        var grid = lower
        while true {
            origins.append(zip(grid, chunkShape).map(*))
            var axis = shape.count - 1
            while axis >= 0 {
                grid[axis] += 1
                if grid[axis] <= upper[axis] { break }
                grid[axis] = lower[axis]
                axis -= 1
            }
            if axis < 0 { return origins }
        }
    }

    /// Fills `output` (the samples' elements in C order) using `threads`
    /// workers. Called without the HDF5 lock: each worker takes it only to
    /// fetch its next raw chunk.
    func read(samples: Range<Int>, into output: UnsafeMutableRawBufferPointer, threads: Int) throws {
        let work = Work(origins: chunkOrigins(samples: samples), output: output)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, work.origins.count))) { _ in
            let buffers = WorkerBuffers(chunkBytes: chunkBytes)
            defer { buffers.deallocate() }
            while let (origin, raw) = fetch(work, buffers) {
                do {
                    try place(origin: origin, raw: raw, samples: samples, buffers: buffers, output: work.output)
                } catch {
                    work.fail(error)
                }
            }
        }
        if let error = work.error { throw error }
    }

    /// Shared progress of one read: the next chunk and the first failure,
    /// both guarded by the HDF5 lock, which every fetch takes anyway.
    private final class Work: @unchecked Sendable {
        let origins: [[Int]]
        let output: UnsafeMutableRawBufferPointer
        var next = 0
        var error: Error?

        init(origins: [[Int]], output: UnsafeMutableRawBufferPointer) {
            self.origins = origins
            self.output = output
        }

        func fail(_ error: Error) {
            HDF5Library.locked { if self.error == nil { self.error = error } }
        }
    }

    private final class WorkerBuffers {
        var compressed: UnsafeMutableRawBufferPointer
        let stages: [UnsafeMutableRawBufferPointer]

        init(chunkBytes: Int) {
            compressed = .allocate(byteCount: chunkBytes + 1024, alignment: 64)
            stages = (0..<2).map { _ in .allocate(byteCount: chunkBytes + 64, alignment: 64) }
        }

        func deallocate() {
            compressed.deallocate()
            stages.forEach { $0.deallocate() }
        }
    }

    /// Under the lock: the next chunk's origin and raw bytes (nil bytes for a
    /// chunk never written), or nil when all are taken or a worker failed.
    private func fetch(_ work: Work, _ buffers: WorkerBuffers) -> (origin: [Int], raw: RawChunk?)? {
        HDF5Library.locked {
            guard work.error == nil, work.next < work.origins.count else { return nil }
            let origin = work.origins[work.next]
            work.next += 1
            do {
                return (origin, try readRaw(origin, buffers))
            } catch {
                work.error = error
                return nil
            }
        }
    }

    private struct RawChunk {
        let bytes: Int
        let filterMask: UInt32
    }

    private func readRaw(_ origin: [Int], _ buffers: WorkerBuffers) throws -> RawChunk? {
        let offset = origin.map { hsize_t($0) }
        var size: hsize_t = 0
        guard H5Dget_chunk_storage_size(dataset.id, offset, &size) >= 0, size > 0 else { return nil }
        if Int(size) > buffers.compressed.count {
            buffers.compressed.deallocate()
            buffers.compressed = .allocate(byteCount: Int(size), alignment: 64)
        }
        var mask: UInt32 = 0
        try site.check(
            H5Dread_chunk(dataset.id, chdf5_p_default(), offset, &mask, buffers.compressed.baseAddress),
            "H5Dread_chunk", .readFailed, "reading the chunk at \(origin) failed",
            fix: "The file may be corrupted; write it again")
        return RawChunk(bytes: Int(size), filterMask: mask)
    }

    /// Outside the lock: undoes the filters and copies the chunk's part of the
    /// selection into the output (or the fill value for unwritten chunks).
    private func place(
        origin: [Int], raw: RawChunk?, samples: Range<Int>, buffers: WorkerBuffers,
        output: UnsafeMutableRawBufferPointer
    ) throws {
        guard let raw else {
            scatter(origin: origin, from: nil, samples: samples, into: output)
            return
        }
        var current = UnsafeRawBufferPointer(rebasing: buffers.compressed[0..<raw.bytes])
        var stage = 0
        for (index, filter) in filters.enumerated().reversed() where raw.filterMask & (1 << UInt32(index)) == 0 {
            let destination = buffers.stages[stage]
            guard let written = filter.decode(current, into: destination) else {
                throw site.error(
                    .readFailed, "the chunk at \(origin) cannot be decoded (\(filter))",
                    fix: "The file may be corrupted; write it again")
            }
            current = UnsafeRawBufferPointer(rebasing: destination[0..<written])
            stage = 1 - stage
        }
        guard current.count == chunkBytes else {
            throw site.error(
                .readFailed, "the chunk at \(origin) holds \(current.count) bytes instead of \(chunkBytes)",
                fix: "The file may be corrupted; write it again")
        }
        scatter(origin: origin, from: current, samples: samples, into: output)
    }

    /// Copies the intersection of the chunk at `origin` with the selection
    /// (`samples` × all other axes) row by row along the last axis.
    private func scatter(
        origin: [Int], from chunk: UnsafeRawBufferPointer?, samples: Range<Int>,
        into output: UnsafeMutableRawBufferPointer
    ) {
        let rank = shape.count
        var lower = origin
        var upper = (0..<rank).map { min(origin[$0] + chunkShape[$0], shape[$0]) }
        lower[0] = max(origin[0], samples.lowerBound)
        upper[0] = min(upper[0], samples.upperBound)
        guard zip(lower, upper).allSatisfy({ $0 < $1 }) else { return }
        let outputShape = [samples.count] + shape.dropFirst()
        let chunkStrides = Self.strides(chunkShape)
        let outputStrides = Self.strides(outputShape)
        let run = (upper[rank - 1] - lower[rank - 1]) * elementSize
        var index = lower
        while true {
            var source = 0
            var target = 0
            for axis in 0..<rank {
                source += (index[axis] - origin[axis]) * chunkStrides[axis]
                target += (index[axis] - (axis == 0 ? samples.lowerBound : 0)) * outputStrides[axis]
            }
            let destination = UnsafeMutableRawBufferPointer(
                rebasing: output[(target * elementSize)..<(target * elementSize + run)])
            if let chunk {
                destination.copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: chunk[(source * elementSize)...].prefix(run)))
            } else {
                for start in stride(from: 0, to: run, by: elementSize) {
                    for byte in 0..<elementSize { destination[start + byte] = fill[byte] }
                }
            }
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < upper[axis] { break }
                index[axis] = lower[axis]
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    private static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        }
        return strides
    }
}
