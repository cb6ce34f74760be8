import FeatureFiles
import Foundation
import HDF5IO
import Linalg

/// One feature array named on the command line, opened once and checked
/// against the input contract (axis 0 samples, axis 1 channels, the rest
/// spatial) by its format's reader. Holds only metadata: values are read a
/// batch at a time, converted, transposed and scanned for NaN/Inf by the
/// reader.
final class FeatureInput {
    let role: String
    let argument: DatasetArgument
    let source: any FeatureSource

    /// `allowingNaN`: NaN values are read as they are (`normalize --allow-nan`);
    /// otherwise a batch holding NaN or ±infinity stops the read with its location.
    convenience init(role: String, argument: DatasetArgument, layout: FeatureLayout, allowingNaN: Bool = false) throws {
        self.init(role: role, argument: argument,
                  source: try FeatureSources.open(argument.location, layout: layout, rejectNonFinite: !allowingNaN))
    }

    /// An input read through `source` (a format's reader, or a view of one such as `OneHotSource`).
    init(role: String, argument: DatasetArgument, source: any FeatureSource) {
        self.role = role
        self.argument = argument
        self.source = source
    }

    var layout: FeatureLayout { source.layout }
    /// `[N, C, spatial…]` after any nhwc → nchw transpose; `[N]` for 1-D data.
    var shape: [Int] { source.shape }
    /// The shape as stored in the file.
    var fileShape: [Int] { source.fileShape }
    var dtype: String { source.dtype }
    var sampleCount: Int { source.sampleCount }
    /// Flattened width per sample (`C·∏spatial`).
    var featureCount: Int { source.featuresPerSample }
    var channels: Int { source.channels }
    var spatialShape: [Int] { source.spatialShape }

    /// Samples `rows` as a `rows.count × featureCount` matrix.
    func read<T: FeatureScalar & LinalgScalar>(rows: Range<Int>, as type: T.Type) throws -> Matrix<T> {
        try matrix(rows: rows.count, as: type) { try source.read(rows: rows, into: $0) }
    }

    /// The samples at `indices` (any order, repeats allowed), read with one
    /// selection of the distinct rows.
    func read<T: FeatureScalar & LinalgScalar>(indices: [Int], as type: T.Type) throws -> Matrix<T> {
        try matrix(rows: indices.count, as: type) { try source.read(indices: indices, into: $0) }
    }

    /// Columns `columns` of the samples at `indices` (a rank's block of f in
    /// a sharded run), `indices.count × columns.count`.
    func read<T: FeatureScalar & LinalgScalar>(indices: [Int], columns: Range<Int>, as type: T.Type) throws -> Matrix<T> {
        guard columns != 0..<featureCount else { return try read(indices: indices, as: type) }
        let storage = try [T](unsafeUninitializedCapacity: indices.count * columns.count) { buffer, initialized in
            try source.read(indices: indices, columns: columns, into: buffer)
            initialized = buffer.count
        }
        return Matrix(rows: indices.count, columns: columns.count, storage: storage)
    }

    /// Every value of a small integer array (a logged sample order), checked
    /// to be whole numbers; read as Double, which holds any index exactly.
    func readAllIntegers() throws -> [Int64] {
        let values = try read(rows: 0..<sampleCount, as: Double.self).storage
        return try values.enumerated().map { position, value in
            guard value == value.rounded(), abs(value) < 9.0e15 else {
                throw InputError("--\(role) \(argument): value \(value) at flat position \(position) is not a "
                                 + "sample index; store whole numbers (an integer dataset).")
            }
            return Int64(value)
        }
    }

    /// A matrix whose storage `fill` initialises completely; its size is
    /// checked (overflow, this machine's memory) before anything is allocated.
    private func matrix<T: FeatureScalar & LinalgScalar>(
        rows: Int, as type: T.Type, _ fill: (UnsafeMutableBufferPointer<T>) throws -> Void
    ) throws -> Matrix<T> {
        let count = CheckedSize.bytes(rows, elementSize: featureCount)
        let bytes = count.flatMap { CheckedSize.bytes($0, elementSize: MemoryLayout<T>.stride) }
        guard let count, let bytes, bytes <= CheckedSize.physicalMemory else {
            let needed = bytes.map { CheckedSize.describe(bytes: $0) } ?? "more bytes than 64-bit sizes hold"
            throw InputError(
                "--\(role) \(argument): reading \(rows) samples × \(featureCount) features as \(T.self) needs "
                    + "\(needed), more than this machine's memory "
                    + "(\(CheckedSize.describe(bytes: CheckedSize.physicalMemory))). Use a smaller --batch-size "
                    + "or --max-samples, or --precision float32.")
        }
        let storage = try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try fill(buffer)
            initialized = count
        }
        return Matrix(rows: rows, columns: featureCount, storage: storage)
    }

    /// Provenance for run.json: file hash and size, array shape and type.
    /// Each distinct file is hashed once (f and g usually share one file).
    static func manifestEntries(_ inputs: [FeatureInput]) throws -> [RunManifest.Input] {
        var digests: [String: String] = [:]
        return try inputs.map { input in
            let file = input.argument.file
            let digest = try digests[file] ?? SHA256.hash(fileAt: file)
            digests[file] = digest
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            return RunManifest.Input(
                role: input.role, file: file, dataset: input.argument.path, shape: input.fileShape,
                dtype: input.dtype, layout: input.layout.rawValue, fileSHA256: digest,
                fileBytes: (attributes?[.size] as? NSNumber)?.intValue ?? -1)
        }
    }
}
