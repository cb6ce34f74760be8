import CHDF5

extension HDF5Writer {
    /// Writes whole samples `first ..< first + values.count / sampleSize` of a
    /// dataset made by `createDataset` (a hyperslab along axis 0), so results
    /// can be written batch by batch as they are computed. `values` are in
    /// channels-first order; with `.nhwc` they are stored channels-last, in a
    /// dataset created with the channels-last shape (the mirror of
    /// `readFeatures(_:as:samples:layout:)`).
    public func writeSamples<T: HDF5Scalar>(
        _ path: String, startingAt first: Int, values: [T], layout: FeatureLayout = .nchw
    ) throws {
        let datasetPath = HDF5Path.normalize(path)
        let site = site(datasetPath)
        try Self.writing {
            let file = try openFile(datasetPath)
            guard let (_, kind) = file.lookup(datasetPath), kind == .dataset else {
                throw site.error(
                    .datasetNotFound, "no dataset to write samples into",
                    fix: "Create it first with createDataset(_:shape:of:)")
            }
            let dataset = DatasetHandle(
                try site.check(
                    H5Dopen2(file.id, datasetPath, chdf5_p_default()), "H5Dopen2", .writeFailed,
                    "cannot open the dataset"))
            guard let shape = try dataset.shape(site), let sampleCount = shape.first else {
                throw site.error(
                    .invalidArgument, "the dataset has no samples axis", fix: "Create it with a shape [N, ...]")
            }
            let sampleSize = shape.dropFirst().reduce(1, *)
            let samples = sampleSize == 0 ? 0 : values.count / sampleSize
            guard samples * sampleSize == values.count, first >= 0, first + samples <= sampleCount else {
                throw site.error(
                    .invalidArgument,
                    "\(values.count) values starting at sample \(first) are not whole samples of "
                        + "\(sampleSize) values within the dataset's \(sampleCount) samples",
                    fix: "Pass whole samples that fit inside shape \(shape)")
            }
            guard samples > 0 else { return }
            let values = layout == .nhwc ? ChannelsLast.toChannelsLast(values, fileShape: shape) : values
            let (fileSpace, memorySpace) = try dataset.sampleSpaces(
                first..<(first + samples), shape: shape, site, failure: .writeFailed)
            try values.withUnsafeBufferPointer { buffer in
                _ = try site.check(
                    H5Dwrite(
                        dataset.id, T.elementKind.nativeType, memorySpace.id, fileSpace.id, chdf5_p_default(),
                        buffer.baseAddress),
                    "H5Dwrite", .writeFailed, "writing samples \(first)..<\(first + samples) failed",
                    fix: "Check the free disk space")
            }
        }
    }
}
