import CHDF5

/// The filters HDF5IO can undo itself, so that compressed chunks can be
/// decoded on several threads instead of inside HDF5's single-threaded read.
enum ChunkFilter: Equatable {
    case deflate
    case shuffle(elementSize: Int)

    /// The decoders for a pipeline (in write order), or nil when a filter
    /// is not one HDF5IO undoes itself.
    static func decoders(for filters: [FilterInfo], elementSize: Int) -> [ChunkFilter]? {
        var decoders: [ChunkFilter] = []
        for filter in filters {
            switch filter.id {
            case Int(chdf5_filter_deflate()): decoders.append(.deflate)
            case Int(chdf5_filter_shuffle()):
                decoders.append(.shuffle(elementSize: Int(filter.parameters.first ?? UInt32(elementSize))))
            default: return nil
            }
        }
        return decoders
    }

    /// The most a stored chunk of `chunkBytes` can take: deflate may expand
    /// incompressible data slightly (zlib's compressBound). A chunk index
    /// claiming more is damaged and must not size an allocation.
    static func maximumStoredBytes(_ chunkBytes: Int) -> Int {
        chunkBytes + chunkBytes / 1024 + 1024
    }

    /// Undoes `filters` from `source`, skipping those whose bit is set in
    /// `mask`, ping-ponging between the two `stages` buffers. Returns the
    /// decoded bytes (a view of `source` or of a stage), or nil when a
    /// filter fails or the data would not fit a stage.
    static func decode(
        _ source: UnsafeRawBufferPointer, filters: [ChunkFilter], mask: UInt32,
        stages: [UnsafeMutableRawBufferPointer]
    ) -> UnsafeRawBufferPointer? {
        var current = source
        var stage = 0
        for (index, filter) in filters.enumerated().reversed() where mask & (1 << UInt32(index)) == 0 {
            let destination = stages[stage]
            guard let written = filter.decode(current, into: destination) else { return nil }
            current = UnsafeRawBufferPointer(rebasing: destination[0..<written])
            stage = 1 - stage
        }
        return current
    }

    /// The decoded size of one chunk, with stage buffers of `capacity` bytes
    /// (plus slack, so that one byte too many is seen as a wrong size).
    static func decodedSize(
        _ source: UnsafeRawBufferPointer, filters: [ChunkFilter], mask: UInt32, capacity: Int
    ) -> Int? {
        let stages = (0..<2).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: capacity + 64, alignment: 64) }
        defer { stages.forEach { $0.deallocate() } }
        return decode(source, filters: filters, mask: mask, stages: stages)?.count
    }

    /// Undoes this filter from `source` into `destination`, returning the
    /// number of bytes written.
    func decode(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Int? {
        switch self {
        case .deflate:
            return Self.inflate(source, into: destination)
        case .shuffle(let elementSize):
            guard source.count <= destination.count else { return nil }
            Self.unshuffle(source, into: destination, elementSize: elementSize)
            return source.count
        }
    }

    /// zlib `uncompress`: the deflate filter stores one complete zlib stream per chunk.
    private static func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer)
        -> Int?
    {
        guard let input = source.baseAddress, let output = destination.baseAddress else { return nil }
        var length = uLongf(destination.count)
        let status = uncompress(
            output.assumingMemoryBound(to: Bytef.self), &length, input.assumingMemoryBound(to: Bytef.self),
            uLong(source.count))
        return status == Z_OK ? Int(length) : nil
    }

    /// HDF5's shuffle stores byte b of element i at b·n + i; trailing bytes
    /// that do not fill an element are kept in place.
    static func unshuffle(
        _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer, elementSize: Int
    ) {
        let count = source.count / max(1, elementSize)
        guard elementSize > 1, count > 1 else {
            destination.copyMemory(from: source)
            return
        }
        for byte in 0..<elementSize {
            let plane = byte * count
            var target = byte
            for index in 0..<count {
                destination[target] = source[plane + index]
                target += elementSize
            }
        }
        let tail = count * elementSize
        for offset in tail..<source.count { destination[offset] = source[offset] }
    }
}
