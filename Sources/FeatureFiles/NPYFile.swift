import HDF5IO

/// A `.npy` file: memory-mapped and read by sample range.
enum NPYFile {
    static func open(_ location: FeatureLocation, layout: FeatureLayout) throws -> StoredArray {
        let site = ErrorSite(file: location.file)
        let file = try MappedFile.open(location.file, site)
        let header = try NPYHeader(parsing: file.bytes, site)
        return try StoredArray(
            location: location, layout: layout, storage: file, offset: header.dataOffset, type: header.type,
            shape: header.shape)
    }
}
