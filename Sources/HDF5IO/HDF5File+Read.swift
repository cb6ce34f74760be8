import CHDF5

extension HDF5File {
    /// Reads a whole dataset of any rank (scalars give shape `[]`) and any
    /// integer or float file type, converted to `T` by HDF5.
    ///
    /// - Throws: `HDF5Error` (`datasetNotFound`, `notADataset`,
    ///   `unsupportedType`, `filterUnavailable`, `tooLarge`, `readFailed`, ...).
    public func readArray<T: HDF5Scalar>(_ path: String, as: T.Type) throws -> FeatureArray<T> {
        let reader = try HDF5Library.locked { try DatasetReader(file: self, path: path) }
        try reader.requireConvertible(to: T.elementKind)
        let storage: [T] = try Self.allocate(reader.elementCount, reader.site) { buffer in
            try reader.read(blocks: nil, into: buffer)
        }
        return FeatureArray(shape: reader.shape, storage: storage)
    }

    /// Reads features: axis 0 is samples (at least one), optionally only
    /// `samples` of them (a hyperslab, so only those are read from disk).
    /// `nhwc` files (channels last) are returned transposed to `nchw`.
    /// Opens the dataset for this one read: stream with `featureDataset`.
    public func readFeatures<T: FeatureScalar>(
        _ path: String, as: T.Type, samples: Range<Int>? = nil, layout: FeatureLayout = .nchw
    ) throws -> FeatureArray<T> {
        let dataset = try featureDataset(path, layout: layout)
        let rows = samples ?? 0..<dataset.sampleCount
        let count = max(0, rows.count) * dataset.featuresPerSample
        let values: [T] = try Self.allocate(count, dataset.reader.site) { buffer in
            try dataset.read(rows: rows, into: buffer)
        }
        return FeatureArray(shape: [rows.count] + dataset.shape.dropFirst(), storage: values)
    }

    /// An array of `count` elements left for `fill` to initialise; skipping
    /// the zero fill matters for GB-sized reads. Only for the trivial scalar
    /// types, which `fill` must overwrite entirely before they are read.
    /// Refuses sizes beyond this machine's memory instead of failing inside
    /// the allocator.
    static func allocate<T: HDF5Scalar>(
        _ count: Int, _ site: Site, _ fill: (UnsafeMutableBufferPointer<T>) throws -> Void
    ) throws -> [T] {
        guard let bytes = CheckedSize.bytes(count, elementSize: MemoryLayout<T>.stride),
            bytes <= CheckedSize.physicalMemory
        else {
            throw site.error(
                .tooLarge, "reading \(count) values of \(MemoryLayout<T>.size) bytes needs more memory than this "
                    + "machine has (\(CheckedSize.describe(bytes: CheckedSize.physicalMemory)))",
                fix: "Read fewer samples at a time")
        }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress), bytes: bytes)
            try fill(buffer)
            initialized = count
        }
    }
}
