import CHDF5

extension DatasetHandle {
    /// File and memory dataspaces for whole samples `samples` (a hyperslab
    /// along axis 0) of a dataset of `shape`, for H5Dread/H5Dwrite; callers
    /// hold the lock. `failure` is the error kind of the caller's direction.
    func sampleSpaces(
        _ samples: Range<Int>, shape: [Int], _ site: Site, failure: HDF5Error.Kind
    ) throws -> (file: DataspaceHandle, memory: DataspaceHandle) {
        var start = [hsize_t](repeating: 0, count: shape.count)
        var count = shape.map { hsize_t($0) }
        start[0] = hsize_t(samples.lowerBound)
        count[0] = hsize_t(samples.count)
        let fileSpace = DataspaceHandle(
            try site.check(H5Dget_space(id), "H5Dget_space", .corruptFile, "the dataspace cannot be read"))
        try site.check(
            H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, count, nil), "H5Sselect_hyperslab",
            failure, "selecting samples \(samples.lowerBound)..<\(samples.upperBound) failed")
        let memorySpace = DataspaceHandle(
            try site.check(
                H5Screate_simple(Int32(count.count), count, nil), "H5Screate_simple", failure,
                "creating the memory dataspace failed"))
        return (fileSpace, memorySpace)
    }
}
