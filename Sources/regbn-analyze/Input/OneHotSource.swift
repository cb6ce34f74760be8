import Diagnostics
import FeatureFiles
import HDF5IO
import Linalg

/// A dataset of one integer label per sample (class, site, scanner) as RegBN's
/// g sees it with `--g-categorical`: its one-hot code, `[N, levels]`, one
/// column per distinct label in ascending order and none dropped, so that no
/// level is privileged and renumbering the labels only permutes g's columns
/// (the regress-out and every measure are invariant to that). The labels, N
/// numbers, are read once when opened; rows are made on demand.
final class OneHotSource: FeatureSource {
    let labelSource: any FeatureSource
    let labels: CategoricalLabels

    /// - Parameter name: how errors name the dataset (`--g FILE:/ds`).
    init(_ source: any FeatureSource, name: String) throws {
        labelSource = source
        let n = source.sampleCount
        guard source.featuresPerSample == 1 else {
            throw InputError("\(name) has shape \(source.fileShape): categorical labels need one value per sample "
                             + "(shape [N] or [N, 1]).")
        }
        let values = try [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            try source.read(rows: 0..<n, into: buffer)
            initialized = n
        }
        labels = try MeasuredOperand.labels(Matrix(rows: n, columns: 1, storage: values), name: name)
    }

    var location: FeatureLocation { labelSource.location }
    var layout: FeatureLayout { labelSource.layout }
    var shape: [Int] { [labels.count, labels.levelCount] }
    var fileShape: [Int] { shape }
    var dtype: String { "one-hot of \(labelSource.dtype) labels" }
    var largestScratchBytes: Int { 0 }

    func read<T: FeatureScalar>(rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        try read(indices: Array(rows), into: buffer)
    }

    func read<T: FeatureScalar>(indices: [Int], into buffer: UnsafeMutableBufferPointer<T>) throws {
        let width = labels.levelCount
        guard buffer.count >= indices.count * width else {
            throw InputError("\(location): a buffer of \(buffer.count) values cannot hold \(indices.count) one-hot "
                             + "rows of \(width) labels (an internal error).")
        }
        for (r, sample) in indices.enumerated() {
            guard labels.codes.indices.contains(sample) else {
                throw InputError("\(location): sample \(sample) is outside 0..<\(labels.count).")
            }
            for j in 0..<width { buffer[r * width + j] = 0 }
            buffer[r * width + labels.codes[sample]] = 1
        }
    }
}

extension FeatureInput {
    /// This input's labels as their one-hot code (`--g-categorical`).
    func oneHot() throws -> FeatureInput {
        FeatureInput(role: role, argument: argument,
                     source: try OneHotSource(source, name: "--\(role) \(argument)"))
    }

    /// The labels behind a one-hot input, nil for any other input.
    var categoricalLabels: CategoricalLabels? { (source as? OneHotSource)?.labels }
}
