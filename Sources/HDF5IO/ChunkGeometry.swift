import CHDF5

/// Checks that a chunked dataset's chunk shape fits the dataset before any
/// read. One flipped byte in the layout message can declare chunks larger
/// than the dataset or of the wrong size; HDF5's own H5Dread then copies
/// with the wrong extents (a segfault in memcpy was observed) or silently
/// returns other values, so such files are refused at open.
enum ChunkGeometry {
    /// HDF5 stores chunk sizes in 32 bits.
    static let maximumChunkBytes = Int(UInt32.max)

    /// Callers hold the lock.
    static func validate(
        _ chunks: [Int], of dataset: DatasetHandle, shape: [Int], elementSize: Int, filters: [FilterInfo],
        hasStoredChunks: Bool, _ site: Site
    ) throws {
        let corrupt = { (detail: String) in
            site.error(
                .corruptFile, "the chunk shape \(chunks) does not fit the dataset of shape \(shape): \(detail)",
                fix: "The file's layout information is damaged; write the file again")
        }
        guard chunks.count == shape.count else { throw corrupt("the ranks differ") }
        guard chunks.allSatisfy({ $0 >= 1 }) else { throw corrupt("chunk extents must be at least 1") }
        let limits = try maximumExtents(dataset, rank: shape.count, site)
        for axis in shape.indices where limits[axis] != nil {
            guard let limit = limits[axis], chunks[axis] <= max(limit, 1) else {
                throw corrupt("axis \(axis) holds \(limits[axis] ?? 0) elements but its chunks claim \(chunks[axis])")
            }
        }
        guard let count = CheckedSize.elementCount(chunks),
            let bytes = CheckedSize.bytes(count, elementSize: elementSize), bytes <= maximumChunkBytes
        else { throw corrupt("a chunk would exceed HDF5's 4 GiB chunk limit") }
        guard hasStoredChunks else { return }
        try validateFirstChunk(dataset, chunkBytes: bytes, elementSize: elementSize, filters: filters, corrupt, site)
    }

    /// The largest extent each axis may grow to; nil for unlimited axes.
    private static func maximumExtents(_ dataset: DatasetHandle, rank: Int, _ site: Site) throws -> [Int?] {
        let space = DataspaceHandle(
            try site.check(H5Dget_space(dataset.id), "H5Dget_space", .corruptFile, "the dataspace cannot be read"))
        var dims = [hsize_t](repeating: 0, count: rank)
        var maxima = [hsize_t](repeating: 0, count: rank)
        try site.check(
            H5Sget_simple_extent_dims(space.id, &dims, &maxima), "H5Sget_simple_extent_dims", .corruptFile,
            "the dataspace cannot be read")
        return maxima.map { $0 == chdf5_s_unlimited() || $0 > hsize_t(Int.max) ? nil : Int($0) }
    }

    /// The first stored chunk must hold exactly one chunk of data: its stored
    /// size without filters, its decoded size with deflate/shuffle. A chunk
    /// shape damaged to something smaller than what was written shows here.
    private static func validateFirstChunk(
        _ dataset: DatasetHandle, chunkBytes: Int, elementSize: Int, filters: [FilterInfo],
        _ corrupt: (String) -> HDF5Error, _ site: Site
    ) throws {
        // HDF5 finds chunks by coordinates that must be multiples of the chunk
        // shape: a damaged shape makes the index unreadable ("bad coordinate offset").
        // HDF5 1.10 refuses H5S_ALL here: pass the whole dataspace.
        let space = DataspaceHandle(
            try site.check(H5Dget_space(dataset.id), "H5Dget_space", .corruptFile, "the dataspace cannot be read"))
        var stored: hsize_t = 0
        guard H5Dget_num_chunks(dataset.id, space.id, &stored) >= 0 else {
            throw corrupt("the chunk index does not match it (stored chunks sit at other coordinates)")
        }
        guard stored > 0 else { return }
        var origin = [hsize_t](repeating: 0, count: Int(H5S_MAX_RANK))
        var mask: UInt32 = 0
        var address: haddr_t = 0
        var size: hsize_t = 0
        guard H5Dget_chunk_info(dataset.id, space.id, 0, &origin, &mask, &address, &size) >= 0 else {
            throw corrupt("its first stored chunk cannot be located")
        }
        guard !filters.isEmpty else {
            if Int(size) != chunkBytes { throw corrupt("a stored chunk holds \(size) bytes instead of \(chunkBytes)") }
            return
        }
        let decoders = ChunkFilter.decoders(for: filters, elementSize: elementSize)
        guard size <= hsize_t(ChunkFilter.maximumStoredBytes(chunkBytes)) else {
            throw corrupt("a stored chunk holds \(size) bytes, more than one chunk of \(chunkBytes) bytes takes")
        }
        guard let decoders, mask == 0, size > 0 else { return }
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(size), alignment: 64)
        defer { raw.deallocate() }
        var readMask: UInt32 = 0
        guard H5Dread_chunk(dataset.id, chdf5_p_default(), origin, &readMask, raw.baseAddress) >= 0 else { return }
        let decoded = ChunkFilter.decodedSize(UnsafeRawBufferPointer(raw), filters: decoders, mask: readMask, capacity: chunkBytes)
        guard decoded == chunkBytes else {
            throw corrupt("a stored chunk does not decode to the \(chunkBytes) bytes of one chunk")
        }
    }
}
