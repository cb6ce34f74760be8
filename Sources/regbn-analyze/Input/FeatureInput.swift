import Foundation
import HDF5IO
import Linalg

/// One feature dataset named on the command line, opened and checked against
/// the input contract (axis 0 samples, axis 1 channels, the rest spatial).
/// Holds only metadata: values are read a batch at a time.
final class FeatureInput {
    let role: String
    let argument: DatasetArgument
    let layout: FeatureLayout
    let info: DatasetInfo
    private let file: HDF5File

    /// `[N, C, spatial…]` after any nhwc → nchw transpose; `[N]` for 1-D data.
    let shape: [Int]

    init(role: String, argument: DatasetArgument, layout: FeatureLayout) throws {
        self.role = role
        self.argument = argument
        self.layout = layout
        file = try HDF5File.open(argument.file)
        info = try file.info(argument.path)
        guard !info.shape.isEmpty else {
            throw InputError("\(argument): is a scalar dataset; --\(role) needs features with samples on axis 0.")
        }
        guard info.shape[0] > 0 else {
            throw InputError("\(argument): holds 0 samples (shape \(info.shape)); --\(role) needs at least one.")
        }
        if layout == .nhwc && info.shape.count >= 3 {
            shape = [info.shape[0], info.shape[info.shape.count - 1]] + info.shape[1..<(info.shape.count - 1)]
        } else {
            shape = info.shape
        }
    }

    var sampleCount: Int { shape[0] }
    /// Flattened width per sample (`C·∏spatial`).
    var featureCount: Int { shape.dropFirst().reduce(1, *) }
    var channels: Int { shape.count >= 2 ? shape[1] : 1 }
    var spatialShape: [Int] { shape.count >= 3 ? Array(shape[2...]) : [] }

    /// Samples `rows` as a `rows.count × featureCount` matrix. Non-finite
    /// values stop the run with their sample index (they would otherwise
    /// silently disable RegBN for the batch or poison every statistic).
    func read<T: HDF5Scalar & LinalgScalar>(rows: Range<Int>, as type: T.Type) throws -> Matrix<T> {
        let array = try file.readFeatures(argument.path, as: type, samples: rows, layout: layout)
        try FiniteCheck.require(array.storage, width: featureCount, firstSample: rows.lowerBound, in: self)
        return Matrix(rows: rows.count, columns: featureCount, storage: array.storage)
    }

    /// The samples at `indices` (any order), read as runs of consecutive rows.
    func read<T: HDF5Scalar & LinalgScalar>(indices: [Int], as type: T.Type) throws -> Matrix<T> {
        var storage: [T] = []
        storage.reserveCapacity(indices.count * featureCount)
        var start = 0
        while start < indices.count {
            var end = start + 1
            while end < indices.count && indices[end] == indices[end - 1] + 1 { end += 1 }
            let block = try read(rows: indices[start]..<(indices[end - 1] + 1), as: type)
            storage += block.storage
            start = end
        }
        return Matrix(rows: indices.count, columns: featureCount, storage: storage)
    }

    /// Provenance for run.json: file hash and size, dataset shape and type.
    /// Each distinct file is hashed once (f and g usually share one file).
    static func manifestEntries(_ inputs: [FeatureInput]) throws -> [RunManifest.Input] {
        var digests: [String: String] = [:]
        return try inputs.map { input in
            let file = input.argument.file
            let digest = try digests[file] ?? SHA256.hash(fileAt: file)
            digests[file] = digest
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            return RunManifest.Input(
                role: input.role, file: file, dataset: input.argument.path, shape: input.info.shape,
                dtype: input.info.dtype, layout: input.layout.rawValue, fileSHA256: digest,
                fileBytes: (attributes?[.size] as? NSNumber)?.intValue ?? -1)
        }
    }
}
