import CHDF5
import Foundation

/// An open dataset, checked once for reading: dataspace real and of a
/// size this machine can address, filters available, chunk geometry
/// consistent with the dataset, virtual sources and external storage
/// present. Created under the lock; `read` takes the lock itself (the
/// parallel chunk path must not run under it).
///
/// `@unchecked Sendable`: every stored property is immutable after `init`
/// except the per-kind parallel readers, which are built under the lock.
final class DatasetReader: @unchecked Sendable {
    let site: Site
    let dataset: DatasetHandle
    /// File shape; `[]` for a scalar.
    let shape: [Int]
    /// ∏ shape, checked when the dataset was opened.
    let elementCount: Int
    let elementType: ElementType
    let layout: StorageLayout
    /// Whether any raw data was ever written (false: all fill value).
    let hasData: Bool
    /// Built on first use for each element kind; nil when that kind is not eligible.
    private var parallelReaders: [HDF5ElementKind: ParallelChunkReader?] = [:]

    init(file: HDF5File, path: String) throws {
        let path = HDF5Path.normalize(path)
        site = Site(file: file.path, dataset: path)
        dataset = try file.openDataset(path)
        elementType = try dataset.elementType(site)
        try dataset.requireFiltersAvailable(site)
        guard let shape = try dataset.shape(site) else {
            throw site.error(
                .notFeatures, "the dataset has a null dataspace (no data at all)",
                fix: "Write the array itself, e.g. create_dataset(name, data=x)")
        }
        self.shape = shape
        guard let count = CheckedSize.elementCount(shape),
            CheckedSize.bytes(count, elementSize: max(elementType.size, 8)) != nil
        else {
            throw site.error(
                .tooLarge, "the declared shape \(shape) has more elements than any machine can address "
                    + "(its size overflows 64-bit arithmetic); the header is damaged or the file was not written "
                    + "as features", fix: "Write the file again; check the shape with h5py first")
        }
        elementCount = count
        let storage = try dataset.storage(site)
        layout = storage.layout
        try StorageSources.requireReachable(dataset, layout: storage.layout, file: file, site)
        var status = H5D_SPACE_STATUS_ERROR
        try site.check(
            H5Dget_space_status(dataset.id, &status), "H5Dget_space_status", .corruptFile,
            "the storage status cannot be read")
        hasData = storage.layout == .virtual || status != H5D_SPACE_STATUS_NOT_ALLOCATED
        if let chunks = storage.chunks {
            try ChunkGeometry.validate(
                chunks, of: dataset, shape: shape, elementSize: elementType.size, filters: storage.filters,
                hasStoredChunks: hasData, site)
        }
    }

    /// Throws `unsupportedType` unless the file type converts to `kind`
    /// (any integer; floats only to floats).
    func requireConvertible(to kind: HDF5ElementKind) throws {
        switch elementType.elementClass {
        case .integer:
            return
        case .float where kind.isFloatingPoint:
            return
        case .float:
            throw site.error(
                .unsupportedType, "float data (\(elementType)) cannot be read as integers without rounding",
                fix: "Read it as Float or Double")
        default:
            throw site.error(
                .unsupportedType,
                "element type \(elementType.elementClass.rawValue) (\(elementType.size) bytes) is not a number",
                fix: "Store features as an integer or float array, e.g. create_dataset(name, data=x.astype('float32'))")
        }
    }

    var sampleCount: Int { shape.first ?? 1 }
    var featuresPerSample: Int { shape.isEmpty ? 1 : elementCount / max(1, shape[0]) }

    /// Reads whole samples into `buffer`: every sample when `blocks` is nil,
    /// otherwise the rows of `blocks` (ascending, disjoint) one after the
    /// other — one HDF5 selection (a union of hyperslabs) per call.
    /// Compressed chunks are decoded on every core when possible, each chunk
    /// once per call; otherwise HDF5 converts the file type to the native
    /// one, reading straight into `buffer` when no conversion is needed.
    func read<T: HDF5Scalar>(blocks: [Range<Int>]?, into buffer: UnsafeMutableBufferPointer<T>) throws {
        try requireConvertible(to: T.elementKind)
        let rows = blocks?.reduce(0) { $0 + $1.count } ?? sampleCount
        guard buffer.count == (blocks == nil ? elementCount : rows * featuresPerSample) else {
            throw site.error(
                .invalidArgument, "a buffer of \(buffer.count) values cannot hold \(rows) samples "
                    + "of \(featuresPerSample) values")
        }
        guard buffer.count > 0 else { return }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let wanted = blocks ?? (shape.isEmpty ? nil : [0..<sampleCount])
        if let wanted, threads > 1, let parallel = try parallelReader(for: T.elementKind),
            parallel.chunkOrigins(blocks: wanted).count > 1
        {
            try parallel.read(blocks: wanted, into: UnsafeMutableRawBufferPointer(buffer), threads: threads)
            return
        }
        try HDF5Library.locked { try hdf5Read(blocks: blocks, rows: rows, into: buffer) }
    }

    /// Reads channels `channels` (indices of axis 1) of the rows of `blocks`
    /// (ascending, disjoint) into `buffer`, row after row: one hyperslab, so
    /// that a rank of a sharded run reads only its own block of the file.
    func read<T: HDF5Scalar>(blocks: [Range<Int>], channels: Range<Int>,
                             into buffer: UnsafeMutableBufferPointer<T>) throws {
        try requireConvertible(to: T.elementKind)
        let rows = blocks.reduce(0) { $0 + $1.count }
        let perChannel = shape.count >= 2 ? featuresPerSample / max(1, shape[1]) : 1
        guard shape.count >= 2, channels.lowerBound >= 0, channels.upperBound <= shape[1],
              buffer.count == rows * channels.count * perChannel else {
            throw site.error(.invalidArgument, "a buffer of \(buffer.count) values cannot hold channels "
                             + "\(channels.lowerBound)..<\(channels.upperBound) of \(rows) samples of shape \(shape)")
        }
        guard buffer.count > 0 else { return }
        try HDF5Library.locked {
            let (fileSpace, memorySpace) = try dataset.sampleSpaces(blocks, channels: channels, shape: shape, site,
                                                                    failure: .readFailed)
            try site.check(
                H5Dread(dataset.id, T.elementKind.nativeType, memorySpace.id, fileSpace.id, chdf5_p_default(),
                        buffer.baseAddress),
                "H5Dread", .readFailed,
                "reading channels \(channels.lowerBound)..<\(channels.upperBound) of \(Self.describe(blocks)) failed",
                fix: "The file may be corrupted; write it again")
        }
    }

    private func parallelReader(for kind: HDF5ElementKind) throws -> ParallelChunkReader? {
        try HDF5Library.locked {
            if let built = parallelReaders[kind] { return built }
            let reader = try ParallelChunkReader.make(dataset: dataset, shape: shape, kind: kind, site)
            parallelReaders[kind] = reader
            return reader
        }
    }

    private func hdf5Read<T: HDF5Scalar>(
        blocks: [Range<Int>]?, rows: Int, into buffer: UnsafeMutableBufferPointer<T>
    ) throws {
        guard let blocks, !(blocks.count == 1 && blocks[0] == 0..<sampleCount) else {
            try site.check(
                H5Dread(
                    dataset.id, T.elementKind.nativeType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(),
                    buffer.baseAddress),
                "H5Dread", .readFailed, "reading the data failed",
                fix: "The file may be corrupted; write it again")
            return
        }
        let (fileSpace, memorySpace) = try dataset.sampleSpaces(blocks, shape: shape, site, failure: .readFailed)
        try site.check(
            H5Dread(
                dataset.id, T.elementKind.nativeType, memorySpace.id, fileSpace.id, chdf5_p_default(),
                buffer.baseAddress),
            "H5Dread", .readFailed, "reading \(Self.describe(blocks)) failed",
            fix: "The file may be corrupted; write it again")
    }

    /// "samples 3..<9" or "12 samples between 3 and 99".
    static func describe(_ blocks: [Range<Int>]) -> String {
        guard let first = blocks.first, let last = blocks.last else { return "no samples" }
        if blocks.count == 1 { return "samples \(first.lowerBound)..<\(first.upperBound)" }
        let rows = blocks.reduce(0) { $0 + $1.count }
        return "\(rows) samples between \(first.lowerBound) and \(last.upperBound - 1)"
    }
}
