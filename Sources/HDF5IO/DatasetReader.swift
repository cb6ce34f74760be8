import CHDF5
import Foundation

/// An open dataset checked for reading into `kind`: element type convertible,
/// filters available, dataspace not null. Created under the lock; `read`
/// takes the lock itself (the parallel chunk path must not run under it).
final class DatasetReader {
    let site: Site
    let dataset: DatasetHandle
    /// File shape; `[]` for a scalar.
    let shape: [Int]
    let elementType: ElementType
    let kind: HDF5ElementKind
    /// Set for gzip/shuffle chunked data already in the native type.
    private let parallel: ParallelChunkReader?

    init(file: HDF5File, path: String, kind: HDF5ElementKind) throws {
        let path = HDF5Path.normalize(path)
        site = Site(file: file.path, dataset: path)
        self.kind = kind
        dataset = try file.openDataset(path)
        elementType = try dataset.elementType(site)
        try Self.requireConvertible(elementType, to: kind, site)
        try dataset.requireFiltersAvailable(site)
        guard let shape = try dataset.shape(site) else {
            throw site.error(
                .notFeatures, "the dataset has a null dataspace (no data at all)",
                fix: "Write the array itself, e.g. create_dataset(name, data=x)")
        }
        self.shape = shape
        parallel = try ParallelChunkReader.make(dataset: dataset, shape: shape, kind: kind, site)
    }

    private static func requireConvertible(_ type: ElementType, to kind: HDF5ElementKind, _ site: Site) throws {
        switch type.elementClass {
        case .integer:
            return
        case .float where kind.isFloatingPoint:
            return
        case .float:
            throw site.error(
                .unsupportedType, "float data (\(type)) cannot be read as integers without rounding",
                fix: "Read it as Float or Double")
        default:
            throw site.error(
                .unsupportedType,
                "element type \(type.elementClass.rawValue) (\(type.size) bytes) is not a number",
                fix: "Store features as an integer or float array, e.g. create_dataset(name, data=x.astype('float32'))")
        }
    }

    var sampleCount: Int { shape.first ?? 1 }

    /// Throws `notFeatures` unless the dataset has a samples axis with at least one sample.
    func requireFeatureShape() throws {
        guard let samples = shape.first else {
            throw site.error(
                .notFeatures, "the dataset is a scalar, but features need a samples axis (shape [N, ...])",
                fix: "Store one row per sample, e.g. x.reshape(N, -1)")
        }
        guard samples > 0 else {
            throw site.error(
                .notFeatures, "the dataset has 0 samples (shape \(shape))",
                fix: "Write at least one sample along axis 0")
        }
    }

    func validate(samples: Range<Int>?) throws -> Range<Int> {
        let all = 0..<sampleCount
        guard let samples else { return all }
        guard !samples.isEmpty, samples.lowerBound >= 0, samples.upperBound <= sampleCount else {
            throw site.error(
                .outOfRange,
                "samples \(samples.lowerBound)..<\(samples.upperBound) are not a non-empty range within 0..<\(sampleCount)",
                fix: "Ask for samples between 0 and \(sampleCount)")
        }
        return samples
    }

    /// Reads whole samples (a hyperslab along axis 0, or everything when
    /// `samples` is nil) straight into `buffer`. Compressed chunks are decoded
    /// on every core when possible; otherwise HDF5 converts the file type to
    /// the native one, and when no conversion is needed it reads contiguous
    /// data directly into `buffer`, without an intermediate copy.
    func read<T: HDF5Scalar>(samples: Range<Int>?, into buffer: UnsafeMutableBufferPointer<T>) throws {
        precondition(T.elementKind == kind)
        guard buffer.count > 0 else { return }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        if let parallel, let range = samples ?? (shape.isEmpty ? nil : 0..<sampleCount), threads > 1,
            parallel.chunkOrigins(samples: range).count > 1
        {
            try parallel.read(samples: range, into: UnsafeMutableRawBufferPointer(buffer), threads: threads)
            return
        }
        try HDF5Library.locked { try hdf5Read(samples: samples, into: buffer) }
    }

    private func hdf5Read<T: HDF5Scalar>(samples: Range<Int>?, into buffer: UnsafeMutableBufferPointer<T>) throws {
        guard let samples, !(samples.lowerBound == 0 && samples.upperBound == sampleCount) else {
            try site.check(
                H5Dread(
                    dataset.id, kind.nativeType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer.baseAddress),
                "H5Dread", .readFailed, "reading the data failed",
                fix: "The file may be corrupted; write it again")
            return
        }
        let (fileSpace, memorySpace) = try dataset.sampleSpaces(samples, shape: shape, site, failure: .readFailed)
        try site.check(
            H5Dread(dataset.id, kind.nativeType, memorySpace.id, fileSpace.id, chdf5_p_default(), buffer.baseAddress),
            "H5Dread", .readFailed, "reading samples \(samples.lowerBound)..<\(samples.upperBound) failed",
            fix: "The file may be corrupted; write it again")
    }
}
