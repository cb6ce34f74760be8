import Diagnostics
import HDF5IO

/// How `normalize` stores its large arrays (/f, /g, /train/*, /W): the element
/// type (`--out-dtype`) and the compression (`--compression`). Values are
/// computed in the working precision `T` and converted here, batch by batch.
struct NormalizeOutputFormat<T: FeatureScalar> {
    let writer: HDF5Writer
    let element: WorkingPrecision
    let compression: OutputCompression
    /// Samples per chunk: one batch.
    let batchSize: Int

    /// HDF5 refuses chunks of 4 GiB or more.
    static var chunkByteLimit: Int { Int(UInt32.max) }

    /// A dataset whose samples `writeSamples` fills later.
    func createSamples(_ path: String, shape: [Int]) throws {
        switch element {
        case .float32: try writer.createDataset(path, shape: shape, of: Float.self, storage: storage(shape, Float.self))
        case .float64: try writer.createDataset(path, shape: shape, of: Double.self, storage: storage(shape, Double.self))
        }
    }

    func writeSamples(_ path: String, startingAt first: Int, values: [T], layout: FeatureLayout) throws {
        if isWorkingPrecision {
            try writer.writeSamples(path, startingAt: first, values: values, layout: layout)
            return
        }
        switch element {
        case .float32:
            try writer.writeSamples(path, startingAt: first, values: try converted(values, path) as [Float], layout: layout)
        case .float64:
            try writer.writeSamples(path, startingAt: first, values: try converted(values, path) as [Double],
                                    layout: layout)
        }
    }

    /// An array without batch structure (W), which `writeSamples` fills a
    /// block of rows at a time (rank 0 of a sharded run never holds all of W).
    func createRows(_ path: String, shape: [Int]) throws {
        switch element {
        case .float32: try writer.createDataset(path, shape: shape, of: Float.self, storage: wholeArrayStorage)
        case .float64: try writer.createDataset(path, shape: shape, of: Double.self, storage: wholeArrayStorage)
        }
    }

    // MARK: - Helpers

    /// The values are written as computed, without a conversion.
    private var isWorkingPrecision: Bool { T.elementKind.rawValue == element.rawValue }

    /// Chunks of one batch of whole samples (fewer samples when a batch would
    /// reach HDF5's chunk limit), or contiguous storage without compression.
    private func storage<U>(_ shape: [Int], _: U.Type) -> DatasetStorage {
        guard case .gzip(let level) = compression, let samples = shape.first else { return .contiguous }
        let sampleBytes = max(1, CheckedSize.elementCount(Array(shape.dropFirst())).flatMap {
            CheckedSize.bytes($0, elementSize: MemoryLayout<U>.stride)
        } ?? Int.max)
        let rows = max(1, min(batchSize, samples, Self.chunkByteLimit / sampleBytes))
        return .chunked(chunks: [rows] + shape.dropFirst().map { max(1, $0) }, gzipLevel: level)
    }

    /// W has no batch structure: HDF5IO's default chunks (about 1 MiB of rows).
    private var wholeArrayStorage: DatasetStorage {
        guard case .gzip(let level) = compression else { return .contiguous }
        return .chunked(chunks: nil, gzipLevel: level)
    }

    /// `values` in the other precision; a finite value that `U` cannot hold
    /// stops the run rather than being written as ±infinity.
    private func converted<U: FeatureScalar>(_ values: [T], _ path: String) throws -> [U] {
        var out = [U]()
        out.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            let narrowed = U(value)
            if narrowed.isInfinite && value.isFinite {
                throw OutputRangeError(dataset: path, index: index, value: Double(value), element: element)
            }
            out.append(narrowed)
        }
        return out
    }
}

/// A computed value too large for the requested output element type.
struct OutputRangeError: Error, CustomStringConvertible, ExitStatusProviding {
    let dataset: String
    /// Flat position within the values being written.
    let index: Int
    let value: Double
    let element: WorkingPrecision

    /// The data, not the command line, decide whether the values fit.
    var exitStatus: ExitStatus { .badInput }

    var description: String {
        "the value \(value) (position \(index) of a write to \(dataset)) is beyond \(element.rawValue)'s range; "
            + "write the output with --out-dtype float64."
    }
}
