import Foundation

/// A features dataset (axis 0 samples, axis 1 channels, the rest spatial),
/// opened and validated once and then read a batch at a time into buffers
/// the caller owns: no per-batch reopening, revalidation or reader rebuild.
///
/// Each read is one HDF5 selection (a hyperslab for a range, a union of
/// hyperslabs for arbitrary indices), channels-last files are transposed to
/// channels-first, and the batch gets exactly one finiteness scan, which
/// names the first NaN/Inf by sample index and flattened feature.
///
/// Reads on one dataset are serialised (they share a scratch buffer); use
/// one `FeatureDataset` per thread for concurrent reads.
public final class FeatureDataset: @unchecked Sendable {
    public let file: HDF5File
    /// The dataset's path inside the file, normalised (`/group/name`).
    public let path: String
    public let layout: FeatureLayout
    /// The shape as stored.
    public let fileShape: [Int]
    /// `[N, C, spatial…]`: the stored shape after any nhwc → nchw transpose.
    public let shape: [Int]
    public let elementType: ElementType
    /// Flattened width per sample (`C·∏spatial`).
    public let featuresPerSample: Int
    /// Whether a NaN/Inf stops a read (the default) or passes through.
    public let rejectsNonFinite: Bool

    let reader: DatasetReader
    private let lock = NSLock()
    private var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var scratchHighWater = 0

    /// Opens `path` in `file` for reading features laid out as `layout`.
    ///
    /// - Throws: `HDF5Error` — `datasetNotFound`, `notADataset`,
    ///   `unsupportedType` (strings, compound, ...), `filterUnavailable`,
    ///   `notFeatures` (scalar, 0 samples, 0 features per sample), `noData`
    ///   (never written), `tooLarge`, `missingLinkedFile`, `corruptFile`,
    ///   `formatTooNew`.
    public init(file: HDF5File, path: String, layout: FeatureLayout = .nchw, rejectNonFinite: Bool = true) throws {
        let reader = try HDF5Library.locked { try DatasetReader(file: file, path: path) }
        try reader.requireConvertible(to: .float64)
        let site = reader.site
        if let problem = FeatureShape.problem(reader.shape) {
            throw site.error(.notFeatures, problem.message.replacingOccurrences(of: "the array", with: "the dataset"),
                             fix: problem.fix)
        }
        guard reader.hasData else {
            throw site.error(
                .noData,
                "no data was ever written to this dataset (shape \(reader.shape)): every value would be the fill value",
                fix: "Write the features into the dataset, e.g. create_dataset(name, data=x)")
        }
        self.reader = reader
        self.file = file
        self.path = reader.site.dataset ?? path
        self.layout = layout
        fileShape = reader.shape
        shape = layout == .nhwc ? ChannelsLast.nchwShape(reader.shape) : reader.shape
        elementType = reader.elementType
        featuresPerSample = reader.featuresPerSample
        rejectsNonFinite = rejectNonFinite
    }

    deinit { scratch.deallocate() }

    public var sampleCount: Int { shape[0] }
    /// NumPy-like dtype of the stored values, e.g. `float32`.
    public var dtype: String { elementType.description }

    /// The largest scratch buffer any read has used, in bytes: 0 when every
    /// read went straight into the caller's buffer. Reads keep memory to
    /// the batch: this never exceeds one batch of stored rows.
    public var largestScratchBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return scratchHighWater
    }

    /// Reads samples `rows` into `buffer` (`rows.count × featuresPerSample`
    /// values, channels-first).
    public func read<T: FeatureScalar>(rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        lock.lock()
        defer { lock.unlock() }
        try requireRange(rows)
        try requireCapacity(buffer.count, rows: rows.count)
        if ChannelsLast.needsTranspose(fileShape) && layout == .nhwc {
            let staging = try scratch(T.self, count: buffer.count)
            try reader.read(blocks: [rows], into: staging)
            transpose(UnsafeBufferPointer(staging), into: buffer, samples: rows.count)
        } else {
            try reader.read(blocks: [rows], into: buffer)
        }
        try requireFinite(UnsafeBufferPointer(buffer)) { rows.lowerBound + $0 }
    }

    /// Reads the samples at `indices` (any order, repeats allowed) into
    /// `buffer`, row r holding sample `indices[r]`. The distinct rows are
    /// read in file order with one selection, then placed.
    public func read<T: FeatureScalar>(indices: [Int], into buffer: UnsafeMutableBufferPointer<T>) throws {
        if let first = indices.first, indices.last == first + indices.count - 1,
            zip(indices, indices.dropFirst()).allSatisfy({ $0 + 1 == $1 })
        {
            return try read(rows: first..<(first + indices.count), into: buffer)
        }
        lock.lock()
        defer { lock.unlock() }
        try requireCapacity(buffer.count, rows: indices.count)
        if let problem = FeatureShape.indicesProblem(indices, sampleCount: sampleCount) {
            throw reader.site.error(.outOfRange, problem.message, fix: problem.fix)
        }
        guard !indices.isEmpty else { return }
        let distinct = Array(Set(indices)).sorted()
        let width = featuresPerSample
        let staging = try scratch(T.self, count: distinct.count * width)
        try reader.read(blocks: Self.blocks(of: distinct), into: staging)
        let transposes = ChannelsLast.needsTranspose(fileShape) && layout == .nhwc
        for (row, index) in indices.enumerated() {
            let source = UnsafeBufferPointer(rebasing: staging[(Self.position(of: index, in: distinct) * width)...].prefix(width))
            let target = UnsafeMutableBufferPointer(rebasing: buffer[(row * width)..<((row + 1) * width)])
            if transposes {
                transpose(source, into: target, samples: 1)
            } else {
                UnsafeMutableRawBufferPointer(target).copyMemory(from: UnsafeRawBufferPointer(source))
            }
        }
        try requireFinite(UnsafeBufferPointer(buffer)) { indices[$0] }
    }

    /// Reads columns `columns` (of the channels-first flattening) of the
    /// samples at `indices` into `buffer` (`indices.count × columns.count`
    /// values): a rank's block of features in a sharded run. A channels-first
    /// file is read as one hyperslab of the channels that hold those columns,
    /// so a rank reads only its part of the file; a channels-last file, whose
    /// channels interleave within a sample, is read by whole rows.
    public func read<T: FeatureScalar>(indices: [Int], columns: Range<Int>,
                                       into buffer: UnsafeMutableBufferPointer<T>) throws {
        if columns == 0..<featuresPerSample { return try read(indices: indices, into: buffer) }
        lock.lock()
        defer { lock.unlock() }
        guard columns.lowerBound >= 0, columns.upperBound <= featuresPerSample,
              buffer.count == indices.count * columns.count else {
            throw reader.site.error(.invalidArgument, "columns \(columns.lowerBound)..<\(columns.upperBound) of "
                                    + "\(indices.count) samples of \(featuresPerSample) features do not fit a buffer of "
                                    + "\(buffer.count) values")
        }
        if let problem = FeatureShape.indicesProblem(indices, sampleCount: sampleCount) {
            throw reader.site.error(.outOfRange, problem.message, fix: problem.fix)
        }
        guard !indices.isEmpty, !columns.isEmpty else { return }
        let distinct = Array(Set(indices)).sorted()
        let perChannel = featuresPerSample / max(1, shape.count >= 2 ? shape[1] : 1)
        let transposes = ChannelsLast.needsTranspose(fileShape) && layout == .nhwc
        let firstColumn: Int, width: Int
        let staging: UnsafeMutableBufferPointer<T>
        if transposes || shape.count < 2 {
            (firstColumn, width) = (0, featuresPerSample)
            staging = try scratch(T.self, count: distinct.count * width * (transposes ? 2 : 1))
            try reader.read(blocks: Self.blocks(of: distinct), into: UnsafeMutableBufferPointer(rebasing: staging.prefix(distinct.count * width)))
            if transposes {
                let rows = UnsafeMutableBufferPointer(rebasing: staging[(distinct.count * width)...])
                transpose(UnsafeBufferPointer(rebasing: staging.prefix(distinct.count * width)), into: rows,
                          samples: distinct.count)
                UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(staging)
                    .prefix(distinct.count * width * MemoryLayout<T>.stride))
                    .copyMemory(from: UnsafeRawBufferPointer(rows))
            }
        } else {
            let channels = (columns.lowerBound / perChannel)..<((columns.upperBound + perChannel - 1) / perChannel)
            (firstColumn, width) = (channels.lowerBound * perChannel, channels.count * perChannel)
            staging = try scratch(T.self, count: distinct.count * width)
            try reader.read(blocks: Self.blocks(of: distinct), channels: channels, into: staging)
        }
        let skip = columns.lowerBound - firstColumn
        for (row, index) in indices.enumerated() {
            let start = Self.position(of: index, in: distinct) * width + skip
            let source = UnsafeBufferPointer(rebasing: staging[start..<(start + columns.count)])
            let target = UnsafeMutableBufferPointer(rebasing: buffer[(row * columns.count)..<((row + 1) * columns.count)])
            UnsafeMutableRawBufferPointer(target).copyMemory(from: UnsafeRawBufferPointer(source))
        }
        try requireFinite(UnsafeBufferPointer(buffer), width: columns.count, firstFeature: columns.lowerBound) {
            indices[$0]
        }
    }

    /// Consecutive runs of sorted, distinct indices.
    static func blocks(of sorted: [Int]) -> [Range<Int>] {
        var blocks: [Range<Int>] = []
        for index in sorted {
            if let last = blocks.last, last.upperBound == index {
                blocks[blocks.count - 1] = last.lowerBound..<(index + 1)
            } else {
                blocks.append(index..<(index + 1))
            }
        }
        return blocks
    }

    private static func position(of index: Int, in sorted: [Int]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func requireRange(_ rows: Range<Int>) throws {
        if let problem = FeatureShape.rowsProblem(rows, sampleCount: sampleCount) {
            throw reader.site.error(.outOfRange, problem.message, fix: problem.fix)
        }
    }

    private func requireCapacity(_ count: Int, rows: Int) throws {
        if let problem = FeatureShape.bufferProblem(count: count, rows: rows, width: featuresPerSample) {
            throw reader.site.error(.invalidArgument, problem)
        }
    }

    private func transpose<T>(_ source: UnsafeBufferPointer<T>, into target: UnsafeMutableBufferPointer<T>, samples: Int) {
        ChannelsLast.toChannelsFirst(
            source, into: target, samples: samples, spatial: fileShape.dropFirst().dropLast().reduce(1, *),
            channels: fileShape.last ?? 1)
    }

    private func requireFinite<T: FeatureScalar>(_ values: UnsafeBufferPointer<T>, width: Int? = nil,
                                                 firstFeature: Int = 0, sample: (Int) -> Int) throws {
        guard rejectsNonFinite, elementType.elementClass == .float, let bad = NonFinite.firstIndex(in: values) else { return }
        let (message, fix) = NonFinite.describe(values[bad], at: bad, width: width ?? featuresPerSample,
                                                firstFeature: firstFeature, totalWidth: featuresPerSample, sample: sample)
        throw reader.site.error(.nonFinite, message, fix: fix)
    }

    /// A reused, grow-only scratch area of `count` values. Callers hold `lock`.
    private func scratch<T>(_ type: T.Type, count: Int) throws -> UnsafeMutableBufferPointer<T> {
        let bytes = count * MemoryLayout<T>.stride
        if bytes > scratch.count {
            scratch.deallocate()
            scratch = .allocate(byteCount: bytes, alignment: 64)
            HugePages.advise(scratch.baseAddress, bytes: bytes)
        }
        scratchHighWater = max(scratchHighWater, bytes)
        return UnsafeMutableBufferPointer(rebasing: scratch.bindMemory(to: T.self)[0..<count])
    }
}

extension HDF5File {
    /// The dataset at `path` opened once for feature reads (see `FeatureDataset`).
    public func featureDataset(
        _ path: String, layout: FeatureLayout = .nchw, rejectNonFinite: Bool = true
    ) throws -> FeatureDataset {
        try FeatureDataset(file: self, path: path, layout: layout, rejectNonFinite: rejectNonFinite)
    }
}
