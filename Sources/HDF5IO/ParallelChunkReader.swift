import CHDF5
import Dispatch
import Foundation

/// Reads gzip/shuffle-compressed chunked datasets on several threads.
///
/// HDF5 inflates chunks one after another inside its global lock, which caps
/// gzip reads at one core (≈0.2–0.3 GB/s here). When a dataset's pipeline is
/// only deflate and shuffle and its file type is the requested native type
/// (or native float32 read as Double, the tool's usual case), this reader
/// fetches the raw chunks with H5Dread_chunk (under the lock, a page-cache
/// copy) and undoes the filters itself on every core, scattering each chunk
/// straight into the caller's buffer (widening float32 to Double on the way).
/// Anything else (other filters, other conversions) is left to H5Dread.
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
    /// Bytes per stored element.
    private let elementSize: Int
    /// Stored float32 values are written to the output as Double.
    private let widens: Bool
    /// One output element of the fill value.
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
        let widens = kind == .float64 && H5Tequal(type.id, chdf5_native_float()) > 0
        guard H5Tequal(type.id, kind.nativeType) > 0 || widens else { return nil }
        let elementSize = H5Tget_size(type.id)
        guard let filters = ChunkFilter.decoders(for: storage.filters, elementSize: elementSize) else { return nil }
        let plist = try dataset.creationProperties(site)
        var fill = [UInt8](repeating: 0, count: widens ? MemoryLayout<Double>.size : elementSize)
        var defined = H5D_FILL_VALUE_ERROR
        if H5Pfill_value_defined(plist.id, &defined) >= 0, defined != H5D_FILL_VALUE_UNDEFINED {
            try site.check(
                H5Pget_fill_value(plist.id, kind.nativeType, &fill), "H5Pget_fill_value", .corruptFile,
                "the fill value cannot be read")
        }
        return ParallelChunkReader(
            site: site, dataset: dataset, shape: shape, chunkShape: chunks, filters: filters,
            elementSize: elementSize, widens: widens, fill: fill)
    }

    private init(
        site: Site, dataset: DatasetHandle, shape: [Int], chunkShape: [Int], filters: [ChunkFilter],
        elementSize: Int, widens: Bool, fill: [UInt8]
    ) {
        self.site = site
        self.dataset = dataset
        self.shape = shape
        self.chunkShape = chunkShape
        self.filters = filters
        self.elementSize = elementSize
        self.widens = widens
        self.fill = fill
    }

    /// The chunk origins (element coordinates) that intersect `blocks`
    /// (ascending, disjoint sample ranges), each chunk once.
    func chunkOrigins(blocks: [Range<Int>]) -> [[Int]] {
        var chunkRows: [Int] = []
        for block in blocks where !block.isEmpty {
            let first = block.lowerBound / chunkShape[0]
            let last = (block.upperBound - 1) / chunkShape[0]
            var row = max(first, (chunkRows.last ?? -1) + 1)
            while row <= last {
                chunkRows.append(row)
                row += 1
            }
        }
        guard !chunkRows.isEmpty else { return [] }
        let upper = shape.indices.map { (shape[$0] - 1) / chunkShape[$0] }
        var origins: [[Int]] = []
        for chunkRow in chunkRows {
            var grid = [Int](repeating: 0, count: shape.count)
            grid[0] = chunkRow
            while true {
                origins.append(zip(grid, chunkShape).map(*))
                var axis = shape.count - 1
                while axis >= 1 {
                    grid[axis] += 1
                    if grid[axis] <= upper[axis] { break }
                    grid[axis] = 0
                    axis -= 1
                }
                if axis < 1 { break }
            }
        }
        return origins
    }

    /// Fills `output` (the samples' elements in C order) using `threads`
    /// workers. Called without the HDF5 lock: each worker takes it only to
    /// fetch its next raw chunk.
    func read(blocks: [Range<Int>], into output: UnsafeMutableRawBufferPointer, threads: Int) throws {
        let work = Work(origins: chunkOrigins(blocks: blocks), output: output)
        let selection = Selection(blocks: blocks)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, work.origins.count))) { _ in
            let buffers = WorkerBuffers(chunkBytes: chunkBytes)
            defer { buffers.deallocate() }
            while let (origin, raw) = fetch(work, buffers) {
                do {
                    try place(origin: origin, raw: raw, selection: selection, buffers: buffers, output: work.output)
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
        guard size <= hsize_t(ChunkFilter.maximumStoredBytes(chunkBytes)) else {
            throw site.error(
                .corruptFile, "the chunk at \(origin) claims \(size) stored bytes, more than a chunk of "
                    + "\(chunkBytes) bytes can take", fix: "The file's chunk index is damaged; write the file again")
        }
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
        origin: [Int], raw: RawChunk?, selection: Selection, buffers: WorkerBuffers,
        output: UnsafeMutableRawBufferPointer
    ) throws {
        guard let raw else {
            scatter(origin: origin, from: nil, selection: selection, into: output)
            return
        }
        let decoded = ChunkFilter.decode(
            UnsafeRawBufferPointer(rebasing: buffers.compressed[0..<raw.bytes]), filters: filters, mask: raw.filterMask,
            stages: buffers.stages)
        guard let decoded else {
            throw site.error(
                .readFailed, "the chunk at \(origin) cannot be decoded (\(filters))",
                fix: "The file may be corrupted; write it again")
        }
        guard decoded.count == chunkBytes else {
            throw site.error(
                .readFailed, "the chunk at \(origin) holds \(decoded.count) bytes instead of \(chunkBytes)",
                fix: "The file may be corrupted; write it again")
        }
        scatter(origin: origin, from: decoded, selection: selection, into: output)
    }

    /// The requested blocks of samples and where each starts in the output.
    private struct Selection {
        let blocks: [Range<Int>]
        let outputRows: [Int]

        init(blocks: [Range<Int>]) {
            self.blocks = blocks
            var start = 0
            outputRows = blocks.map { block in
                defer { start += block.count }
                return start
            }
        }

        /// Index of the first block that ends after `row`.
        func firstBlock(endingAfter row: Int) -> Int {
            var low = 0
            var high = blocks.count
            while low < high {
                let middle = (low + high) / 2
                if blocks[middle].upperBound <= row { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    /// Copies the intersection of the chunk at `origin` with each selected
    /// block (× all other axes) row by row along the last axis.
    private func scatter(
        origin: [Int], from chunk: UnsafeRawBufferPointer?, selection: Selection,
        into output: UnsafeMutableRawBufferPointer
    ) {
        let chunkEnd = min(origin[0] + chunkShape[0], shape[0])
        var block = selection.firstBlock(endingAfter: origin[0])
        while block < selection.blocks.count, selection.blocks[block].lowerBound < chunkEnd {
            let rows = selection.blocks[block]
            scatter(
                origin: origin, from: chunk, rows: max(origin[0], rows.lowerBound)..<min(chunkEnd, rows.upperBound),
                outputRow: selection.outputRows[block] - rows.lowerBound, into: output)
            block += 1
        }
    }

    /// One block: file rows `rows` land at output row `row + outputRow`.
    private func scatter(
        origin: [Int], from chunk: UnsafeRawBufferPointer?, rows: Range<Int>, outputRow: Int,
        into output: UnsafeMutableRawBufferPointer
    ) {
        let rank = shape.count
        var lower = origin
        var upper = (0..<rank).map { min(origin[$0] + chunkShape[$0], shape[$0]) }
        lower[0] = rows.lowerBound
        upper[0] = rows.upperBound
        guard zip(lower, upper).allSatisfy({ $0 < $1 }) else { return }
        let chunkStrides = Self.strides(chunkShape)
        let outputStrides = Self.strides(shape)
        let count = upper[rank - 1] - lower[rank - 1]
        let outputSize = fill.count
        var index = lower
        while true {
            var source = 0
            var target = (index[0] + outputRow) * outputStrides[0]
            for axis in 0..<rank {
                source += (index[axis] - origin[axis]) * chunkStrides[axis]
                if axis > 0 { target += index[axis] * outputStrides[axis] }
            }
            let destination = UnsafeMutableRawBufferPointer(
                rebasing: output[(target * outputSize)..<((target + count) * outputSize)])
            if let chunk {
                let values = UnsafeRawBufferPointer(
                    rebasing: chunk[(source * elementSize)..<((source + count) * elementSize)])
                if widens, let from = values.baseAddress, let to = destination.baseAddress {
                    // Stage buffers are 64-byte aligned and Float runs start at
                    // multiples of 4, so typed pointers apply and the loop vectorises.
                    Self.widen(from.assumingMemoryBound(to: Float.self), into: to.assumingMemoryBound(to: Double.self), count: count)
                } else {
                    destination.copyMemory(from: values)
                }
            } else {
                for start in stride(from: 0, to: count * outputSize, by: outputSize) {
                    for byte in 0..<outputSize { destination[start + byte] = fill[byte] }
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

    private static func widen(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Double>, count: Int) {
        for element in 0..<count { target[element] = Double(source[element]) }
    }

    private static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        }
        return strides
    }
}
