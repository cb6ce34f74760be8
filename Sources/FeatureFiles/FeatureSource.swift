import HDF5IO

/// One feature array, opened and validated once, read a batch at a time
/// into buffers the caller owns. Every input format implements this; the
/// commands see nothing else. A new format is one new file: a type that
/// conforms (or that describes its array as a `StoredArray`) and a case in
/// `FeatureSources.open`.
///
/// Reads convert to `T`, transpose channels-last files to channels-first
/// (`layout`), and scan the batch once for NaN/Inf, naming the first by
/// sample index and flattened feature.
public protocol FeatureSource: AnyObject, Sendable {
    /// The array as named on the command line.
    var location: FeatureLocation { get }
    var layout: FeatureLayout { get }
    /// The shape as stored.
    var fileShape: [Int] { get }
    /// `[N, C, spatial…]`: the stored shape after any nhwc → nchw transpose.
    var shape: [Int] { get }
    /// NumPy-like name of the stored element type, e.g. `float32`, `bfloat16`.
    var dtype: String { get }
    /// The largest buffer the reader allocated for itself, in bytes (scratch
    /// for transposes, scattered rows or inflating); 0 when reads went
    /// straight into the caller's buffers. Bounded by one batch.
    var largestScratchBytes: Int { get }

    /// Samples `rows` into `buffer` (`rows.count × featuresPerSample` values).
    func read<T: FeatureScalar>(rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws
    /// The samples at `indices` (any order, repeats allowed), row r = sample `indices[r]`.
    func read<T: FeatureScalar>(indices: [Int], into buffer: UnsafeMutableBufferPointer<T>) throws
    /// Columns `columns` (of the channels-first flattening) of the samples at
    /// `indices`, `indices.count × columns.count` values: a rank's block of f
    /// in a sharded run. Formats that can read a block by itself do so; the
    /// default reads whole rows a few at a time and keeps the block.
    func read<T: FeatureScalar>(indices: [Int], columns: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws
}

extension FeatureSource {
    public var sampleCount: Int { shape[0] }
    /// Flattened width per sample (`C·∏spatial`).
    public var featuresPerSample: Int { shape.dropFirst().reduce(1, *) }
    public var channels: Int { shape.count >= 2 ? shape[1] : 1 }
    public var spatialShape: [Int] { shape.count >= 3 ? Array(shape[2...]) : [] }
}

extension FeatureSource {
    public func read<T: FeatureScalar>(indices: [Int], columns: Range<Int>,
                                       into buffer: UnsafeMutableBufferPointer<T>) throws {
        let width = featuresPerSample
        if columns == 0..<width { return try read(indices: indices, into: buffer) }
        guard columns.lowerBound >= 0, columns.upperBound <= width, buffer.count == indices.count * columns.count else {
            throw FeatureFileError(.invalidArgument, file: location.file, member: location.member, message:
                                   "columns \(columns.lowerBound)..<\(columns.upperBound) of \(indices.count) samples "
                                   + "of \(width) features do not fit a buffer of \(buffer.count) values")
        }
        // Whole rows a group at a time: about 2²⁰ values of scratch, whatever the batch.
        let group = max(1, min(indices.count, (1 << 20) / max(1, width)))
        var rows = [T](repeating: .zero, count: group * width)
        var start = 0
        while start < indices.count {
            let part = Array(indices[start..<min(indices.count, start + group)])
            try rows.withUnsafeMutableBufferPointer { whole in
                let used = UnsafeMutableBufferPointer(rebasing: whole[0..<(part.count * width)])
                try read(indices: part, into: used)
                for r in 0..<part.count {
                    for c in 0..<columns.count {
                        buffer[(start + r) * columns.count + c] = used[r * width + columns.lowerBound + c]
                    }
                }
            }
            start += part.count
        }
    }
}

/// Opens a `FeatureLocation` with the reader of its format.
public enum FeatureSources {
    /// `rejectNonFinite: false` lets NaN/Inf through (for callers that
    /// handle them); by default a read that meets one throws.
    public static func open(
        _ location: FeatureLocation, layout: FeatureLayout = .nchw, rejectNonFinite: Bool = true
    ) throws -> any FeatureSource {
        switch location.format {
        case .hdf5: try HDF5FeatureSource(location: location, layout: layout, rejectNonFinite: rejectNonFinite)
        case .npy: try NPYFile.open(location, layout: layout).rejectingNonFinite(rejectNonFinite)
        case .npz: try NPZArchive.open(location.file).array(location, layout: layout).rejectingNonFinite(rejectNonFinite)
        case .safetensors:
            try SafetensorsFile.open(location.file).array(location, layout: layout).rejectingNonFinite(rejectNonFinite)
        }
    }
}

/// HDF5 datasets through HDF5IO's `FeatureDataset`.
final class HDF5FeatureSource: FeatureSource {
    let location: FeatureLocation
    let dataset: FeatureDataset

    init(location: FeatureLocation, layout: FeatureLayout, rejectNonFinite: Bool) throws {
        self.location = location
        dataset = try HDF5File.open(location.file).featureDataset(
            location.member ?? "/", layout: layout, rejectNonFinite: rejectNonFinite)
    }

    var layout: FeatureLayout { dataset.layout }
    var fileShape: [Int] { dataset.fileShape }
    var shape: [Int] { dataset.shape }
    var dtype: String { dataset.dtype }
    var largestScratchBytes: Int { dataset.largestScratchBytes }

    func read<T: FeatureScalar>(rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        try dataset.read(rows: rows, into: buffer)
    }

    func read<T: FeatureScalar>(indices: [Int], into buffer: UnsafeMutableBufferPointer<T>) throws {
        try dataset.read(indices: indices, into: buffer)
    }

    func read<T: FeatureScalar>(indices: [Int], columns: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        try dataset.read(indices: indices, columns: columns, into: buffer)
    }
}
