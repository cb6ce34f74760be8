import CHDF5

extension DatasetHandle {
    /// File and memory dataspaces for whole samples `samples` (a hyperslab
    /// along axis 0) of a dataset of `shape`, for H5Dread/H5Dwrite; callers
    /// hold the lock. `failure` is the error kind of the caller's direction.
    func sampleSpaces(
        _ samples: Range<Int>, shape: [Int], _ site: Site, failure: HDF5Error.Kind
    ) throws -> (file: DataspaceHandle, memory: DataspaceHandle) {
        try sampleSpaces([samples], shape: shape, site, failure: failure)
    }

    /// The same for several ascending, disjoint blocks of samples: one file
    /// selection (a union of hyperslabs) and a memory space holding the
    /// blocks' rows one after the other.
    /// `channels` narrows every block to those indices of axis 1 (a rank's
    /// block of channels in a sharded run); nil keeps every channel.
    func sampleSpaces(
        _ blocks: [Range<Int>], channels: Range<Int>? = nil, shape: [Int], _ site: Site, failure: HDF5Error.Kind
    ) throws -> (file: DataspaceHandle, memory: DataspaceHandle) {
        let fileSpace = DataspaceHandle(
            try site.check(H5Dget_space(id), "H5Dget_space", .corruptFile, "the dataspace cannot be read"))
        var start = [hsize_t](repeating: 0, count: shape.count)
        var count = shape.map { hsize_t($0) }
        if let channels, shape.count >= 2 {
            start[1] = hsize_t(channels.lowerBound)
            count[1] = hsize_t(channels.count)
        }
        for (index, block) in blocks.enumerated() {
            start[0] = hsize_t(block.lowerBound)
            count[0] = hsize_t(block.count)
            try site.check(
                H5Sselect_hyperslab(fileSpace.id, index == 0 ? H5S_SELECT_SET : H5S_SELECT_OR, start, nil, count, nil),
                "H5Sselect_hyperslab", failure,
                "selecting samples \(block.lowerBound)..<\(block.upperBound) failed")
        }
        count[0] = hsize_t(blocks.reduce(0) { $0 + $1.count })
        let memorySpace = DataspaceHandle(
            try site.check(
                H5Screate_simple(Int32(count.count), count, nil), "H5Screate_simple", failure,
                "creating the memory dataspace failed"))
        return (fileSpace, memorySpace)
    }
}
