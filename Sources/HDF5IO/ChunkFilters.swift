import CHDF5

/// The filters HDF5IO can undo itself, so that compressed chunks can be
/// decoded on several threads instead of inside HDF5's single-threaded read.
enum ChunkFilter: Equatable {
    case deflate
    case shuffle(elementSize: Int)

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
