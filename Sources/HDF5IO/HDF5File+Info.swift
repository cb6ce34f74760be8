import CHDF5

extension HDF5File {
    /// Shape, element type, layout, chunks, filters and attributes of a dataset.
    public func info(_ path: String) throws -> DatasetInfo {
        let datasetPath = HDF5Path.normalize(path)
        return try HDF5Library.locked {
            let dataset = try openDataset(datasetPath)
            return try datasetInfo(dataset, path: datasetPath)
        }
    }

    /// Callers hold the lock.
    func datasetInfo(_ dataset: DatasetHandle, path datasetPath: String) throws -> DatasetInfo {
        let site = Site(file: path, dataset: datasetPath)
        let storage = try dataset.storage(site)
        return DatasetInfo(
            path: datasetPath, shape: try dataset.shape(site) ?? [],
            elementType: try dataset.elementType(site), layout: storage.layout, chunks: storage.chunks,
            filters: storage.filters, attributes: try AttributeReader.entries(of: dataset, site))
    }
}
