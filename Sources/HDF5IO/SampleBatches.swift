/// Consecutive batches of samples of one dataset, read lazily as hyperslabs
/// so that memory is bounded by one batch, not by the file.
///
/// Iterating with `for batch in batches` reuses one batch buffer as long as
/// the caller does not keep the previous batch alive. A sequence cannot
/// throw, so a read failure ends the iteration early and is kept in `error`;
/// `forEachBatch` rethrows it instead and is the safer way to consume it.
public final class SampleBatches<T: HDF5Scalar>: Sequence {
    /// The dataset's shape in `nchw` order (transposed for `nhwc` files).
    public let shape: [Int]
    public let batchSize: Int
    public let layout: FeatureLayout
    public var sampleCount: Int { shape[0] }
    public var featuresPerSample: Int { shape.dropFirst().reduce(1, *) }
    /// Batches in all; the last one holds the remaining `sampleCount % batchSize` samples if non-zero.
    public var batchCount: Int { (sampleCount + batchSize - 1) / batchSize }
    /// Why the last iteration stopped early, or nil.
    public private(set) var error: HDF5Error?

    private let reader: DatasetReader
    private let fileShape: [Int]

    init(reader: DatasetReader, batchSize: Int, layout: FeatureLayout) throws {
        guard batchSize > 0 else {
            throw reader.site.error(
                .invalidArgument, "batch size \(batchSize) is not positive", fix: "Use a batch size of at least 1")
        }
        try reader.requireFeatureShape()
        self.reader = reader
        self.batchSize = batchSize
        self.layout = layout
        fileShape = reader.shape
        shape = layout == .nhwc ? ChannelsLast.nchwShape(reader.shape) : reader.shape
    }

    /// The sample range of batch `index`.
    public func samples(ofBatch index: Int) -> Range<Int> {
        let start = index * batchSize
        return start..<Swift.min(start + batchSize, sampleCount)
    }

    /// Reads batch `index` into fresh memory.
    public func batch(_ index: Int) throws -> FeatureArray<T> {
        guard (0..<batchCount).contains(index) else {
            throw reader.site.error(
                .outOfRange, "batch \(index) does not exist; there are \(batchCount)",
                fix: "Ask for a batch between 0 and \(batchCount - 1)")
        }
        var buffers = Buffers()
        return try read(samples(ofBatch: index), into: &buffers)
    }

    /// Calls `body` with every batch in order, reusing one buffer, and
    /// rethrows read failures.
    public func forEachBatch(_ body: (FeatureArray<T>) throws -> Void) throws {
        var buffers = Buffers()
        for index in 0..<batchCount {
            let batch = try read(samples(ofBatch: index), into: &buffers)
            try body(batch)
        }
    }

    public func makeIterator() -> Iterator {
        error = nil
        return Iterator(owner: self)
    }

    public struct Iterator: IteratorProtocol {
        private let owner: SampleBatches
        private var index = 0
        private var buffers = Buffers()

        init(owner: SampleBatches) { self.owner = owner }

        public mutating func next() -> FeatureArray<T>? {
            guard index < owner.batchCount else { return nil }
            do {
                let batch = try owner.read(owner.samples(ofBatch: index), into: &buffers)
                index += 1
                return batch
            } catch {
                owner.error =
                    error as? HDF5Error
                    ?? owner.reader.site.error(.readFailed, "reading a batch failed: \(error)")
                index = owner.batchCount
                return nil
            }
        }
    }

    /// The batch buffer plus, for `nhwc`, the buffer in file order that is
    /// transposed into it. Both are reused while nobody else holds them.
    struct Buffers {
        var values: [T] = []
        var fileOrder: [T] = []
    }

    private func read(_ samples: Range<Int>, into buffers: inout Buffers) throws -> FeatureArray<T> {
        let count = samples.count * featuresPerSample
        let batchFileShape = [samples.count] + fileShape.dropFirst()
        let transpose = layout == .nhwc && ChannelsLast.needsTranspose(fileShape)
        if transpose {
            Self.resize(&buffers.fileOrder, to: count)
            try buffers.fileOrder.withUnsafeMutableBufferPointer { try reader.read(samples: samples, into: $0) }
        } else {
            Self.resize(&buffers.values, to: count)
            try buffers.values.withUnsafeMutableBufferPointer { try reader.read(samples: samples, into: $0) }
        }
        if transpose {
            Self.resize(&buffers.values, to: count)
            buffers.fileOrder.withUnsafeBufferPointer { source in
                buffers.values.withUnsafeMutableBufferPointer { destination in
                    ChannelsLast.toChannelsFirst(
                        source, into: destination, samples: samples.count,
                        spatial: batchFileShape.dropFirst().dropLast().reduce(1, *),
                        channels: batchFileShape.last ?? 1)
                }
            }
        }
        return FeatureArray(shape: [samples.count] + shape.dropFirst(), storage: buffers.values)
    }

    /// Sets the element count without touching the capacity when shrinking
    /// (the last, partial batch) and without zero-filling when growing.
    private static func resize(_ buffer: inout [T], to count: Int) {
        if buffer.count > count {
            buffer.removeLast(buffer.count - count)
        } else if buffer.count < count {
            buffer = HDF5File.allocate(count) { _ in }
        }
    }
}

extension HDF5File {
    /// Consecutive batches of `batchSize` samples (the last may be partial),
    /// read on demand. The dataset is checked (type, filters, shape) here, so
    /// most problems surface before the first batch.
    public func batches<T: HDF5Scalar>(
        _ path: String, as: T.Type, batchSize: Int, layout: FeatureLayout = .nchw
    ) throws -> SampleBatches<T> {
        try HDF5Library.locked {
            let reader = try DatasetReader(file: self, path: path, kind: T.elementKind)
            return try SampleBatches(reader: reader, batchSize: batchSize, layout: layout)
        }
    }
}
