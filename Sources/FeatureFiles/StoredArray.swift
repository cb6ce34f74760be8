import Foundation
import HDF5IO

/// A C-order (row-major) array at a byte offset of a mapped file: what a
/// .npy file, a stored or inflated .npz member and a safetensors tensor all
/// are once their header is parsed. Rows are converted straight from the
/// mapping into the caller's buffer, so a batch read touches only the
/// batch's bytes and allocates nothing but a channels-last transpose row.
final class StoredArray: FeatureSource, @unchecked Sendable {
    let location: FeatureLocation
    let layout: FeatureLayout
    let fileShape: [Int]
    let shape: [Int]
    let storedType: StoredDType
    private let storage: MappedFile
    private let offset: Int
    private let rowBytes: Int
    private let width: Int
    private let site: ErrorSite
    private let lock = NSLock()
    private var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var scratchHighWater: Int
    private var rejectsNonFinite = true

    /// `limit`: where the array's bytes must end (the end of an .npz member
    /// or safetensors tensor); the file's end when nil. `extraScratchBytes`:
    /// what opening already allocated (inflate buffers), reported with reads.
    init(
        location: FeatureLocation, layout: FeatureLayout, storage: MappedFile, offset: Int, limit: Int? = nil,
        type: StoredDType, shape: [Int], extraScratchBytes: Int = 0
    ) throws {
        site = ErrorSite(file: location.file, member: location.member)
        if let problem = FeatureShape.problem(shape) {
            throw site.error(.notFeatures, problem.message, fix: problem.fix)
        }
        let end = limit ?? storage.bytes.count
        guard let count = CheckedSize.elementCount(shape), let bytes = CheckedSize.bytes(count, elementSize: type.size)
        else {
            throw site.error(
                .tooLarge, "the declared shape \(shape) overflows 64-bit sizes; the header is damaged",
                fix: "Write the file again")
        }
        guard offset >= 0, offset <= end, bytes <= end - offset else {
            throw site.error(
                .truncated,
                "the data ends after \(max(0, end - offset)) bytes, but shape \(shape) of \(type.name) needs \(bytes)",
                fix: "The file is cut short (an interrupted copy or a full disk?); write it again")
        }
        self.location = location
        self.layout = layout
        self.storage = storage
        self.offset = offset
        storedType = type
        fileShape = shape
        self.shape = layout == .nhwc ? ChannelsLast.nchwShape(shape) : shape
        width = count / shape[0]
        rowBytes = width * type.size
        scratchHighWater = extraScratchBytes
    }

    deinit { scratch.deallocate() }

    /// Sets whether a NaN/Inf stops a read (the default); returns self.
    func rejectingNonFinite(_ reject: Bool) -> StoredArray {
        rejectsNonFinite = reject
        return self
    }

    var dtype: String { storedType.name }

    var largestScratchBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return scratchHighWater
    }

    private var transposes: Bool { layout == .nhwc && ChannelsLast.needsTranspose(fileShape) }

    func read<T: FeatureScalar>(rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        lock.lock()
        defer { lock.unlock() }
        if let problem = FeatureShape.rowsProblem(rows, sampleCount: fileShape[0]) {
            throw site.error(.outOfRange, problem.message, fix: problem.fix)
        }
        try requireCapacity(buffer.count, rows: rows.count)
        let bytes = (offset + rows.lowerBound * rowBytes)..<(offset + rows.upperBound * rowBytes)
        let source = UnsafeRawBufferPointer(rebasing: storage.bytes[bytes])
        if transposes {
            for row in 0..<rows.count {
                convertRow(UnsafeRawBufferPointer(rebasing: source[(row * rowBytes)..<((row + 1) * rowBytes)]),
                           into: UnsafeMutableBufferPointer(rebasing: buffer[(row * width)..<((row + 1) * width)]))
            }
        } else {
            storedType.convert(source, into: buffer)
        }
        storage.release(bytes)
        try requireFinite(UnsafeBufferPointer(buffer)) { rows.lowerBound + $0 }
    }

    func read<T: FeatureScalar>(indices: [Int], into buffer: UnsafeMutableBufferPointer<T>) throws {
        lock.lock()
        defer { lock.unlock() }
        try requireCapacity(buffer.count, rows: indices.count)
        if let problem = FeatureShape.indicesProblem(indices, sampleCount: fileShape[0]) {
            throw site.error(.outOfRange, problem.message, fix: problem.fix)
        }
        for (row, index) in indices.enumerated() {
            let start = offset + index * rowBytes
            convertRow(UnsafeRawBufferPointer(rebasing: storage.bytes[start..<(start + rowBytes)]),
                       into: UnsafeMutableBufferPointer(rebasing: buffer[(row * width)..<((row + 1) * width)]))
        }
        try requireFinite(UnsafeBufferPointer(buffer)) { indices[$0] }
    }

    /// One sample, through a one-row scratch when it must be transposed.
    private func convertRow<T: FeatureScalar>(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableBufferPointer<T>) {
        guard transposes else { return storedType.convert(source, into: target) }
        let bytes = width * MemoryLayout<T>.stride
        if bytes > scratch.count {
            scratch.deallocate()
            scratch = .allocate(byteCount: bytes, alignment: 64)
        }
        scratchHighWater = max(scratchHighWater, bytes)
        let row = UnsafeMutableBufferPointer(rebasing: scratch.bindMemory(to: T.self)[0..<width])
        storedType.convert(source, into: row)
        ChannelsLast.toChannelsFirst(
            UnsafeBufferPointer(row), into: target, samples: 1,
            spatial: fileShape.dropFirst().dropLast().reduce(1, *), channels: fileShape.last ?? 1)
    }

    private func requireCapacity(_ count: Int, rows: Int) throws {
        if let problem = FeatureShape.bufferProblem(count: count, rows: rows, width: width) {
            throw site.error(.invalidArgument, problem)
        }
    }

    private func requireFinite<T: FeatureScalar>(_ values: UnsafeBufferPointer<T>, sample: (Int) -> Int) throws {
        guard rejectsNonFinite, storedType.canBeNonFinite, let bad = NonFinite.firstIndex(in: values) else { return }
        let (message, fix) = NonFinite.describe(values[bad], at: bad, width: width, sample: sample)
        throw site.error(.nonFinite, message, fix: fix)
    }
}
