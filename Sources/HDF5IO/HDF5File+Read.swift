import CHDF5

extension HDF5File {
    /// Reads a whole dataset of any rank (scalars give shape `[]`) and any
    /// integer or float file type, converted to `T` by HDF5.
    ///
    /// - Throws: `HDF5Error` (`datasetNotFound`, `notADataset`,
    ///   `unsupportedType`, `filterUnavailable`, `readFailed`, ...).
    public func readArray<T: HDF5Scalar>(_ path: String, as: T.Type) throws -> FeatureArray<T> {
        let reader = try HDF5Library.locked { try DatasetReader(file: self, path: path, kind: T.elementKind) }
        let storage: [T] = try Self.allocate(reader.shape.reduce(1, *)) { buffer in
            try reader.read(samples: nil, into: buffer)
        }
        return FeatureArray(shape: reader.shape, storage: storage)
    }

    /// Reads features: axis 0 is samples (at least one), optionally only
    /// `samples` of them (a hyperslab, so only those are read from disk).
    /// `nhwc` files (channels last) are returned transposed to `nchw`.
    public func readFeatures<T: HDF5Scalar>(
        _ path: String, as: T.Type, samples: Range<Int>? = nil, layout: FeatureLayout = .nchw
    ) throws -> FeatureArray<T> {
        let reader = try HDF5Library.locked { try DatasetReader(file: self, path: path, kind: T.elementKind) }
        try reader.requireFeatureShape()
        let range = try reader.validate(samples: samples)
        let fileShape = [range.count] + reader.shape.dropFirst()
        let values: [T] = try Self.allocate(fileShape.reduce(1, *)) { buffer in
            try reader.read(samples: range, into: buffer)
        }
        guard layout == .nhwc else { return FeatureArray(shape: fileShape, storage: values) }
        return FeatureArray(
            shape: ChannelsLast.nchwShape(fileShape),
            storage: ChannelsLast.toChannelsFirst(values, fileShape: fileShape))
    }

    /// An array of `count` elements left for `fill` to initialise; skipping
    /// the zero fill matters for GB-sized reads. Only for the trivial scalar
    /// types, which `fill` must overwrite entirely before they are read.
    static func allocate<T: HDF5Scalar>(
        _ count: Int, _ fill: (UnsafeMutableBufferPointer<T>) throws -> Void
    ) rethrows -> [T] {
        try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress), bytes: count * MemoryLayout<T>.stride)
            try fill(buffer)
            initialized = count
        }
    }
}
