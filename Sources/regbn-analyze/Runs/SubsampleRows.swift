import Diagnostics
import Linalg

/// The rows of one input that the dependence measures use — the subsample
/// chosen once for the whole run, so every stage measures the same samples —
/// gathered while batches of consecutive rows stream past. Memory: the
/// subsample's rows, never the file's.
struct SubsampleRows {
    let subsample: Subsample
    let featureCount: Int
    let channels: Int
    private var values: [Double] = []
    private var nextIndex = 0
    private var rowsSeen = 0

    init(_ subsample: Subsample, featureCount: Int, channels: Int) {
        self.subsample = subsample
        self.featureCount = featureCount
        self.channels = channels
        values.reserveCapacity(subsample.used * featureCount)
    }

    init(_ subsample: Subsample, of input: FeatureInput) {
        self.init(subsample, featureCount: input.featureCount, channels: input.channels)
    }

    /// Adds the batch holding rows `rows` (batches arrive in sample order).
    mutating func add<T: LinalgScalar>(_ batch: Matrix<T>, rows: Range<Int>) {
        precondition(rows.lowerBound == rowsSeen && rows.count == batch.rows, "batches must arrive in sample order")
        while nextIndex < subsample.used && subsample.indices[nextIndex] < rows.upperBound {
            let start = (subsample.indices[nextIndex] - rows.lowerBound) * batch.columns
            for k in start..<(start + batch.columns) { values.append(Double(batch.storage[k])) }
            nextIndex += 1
        }
        rowsSeen = rows.upperBound
    }

    /// Adds the next `batch.rows` subsample rows themselves, read by index.
    mutating func add<T: LinalgScalar>(subsampleRows batch: Matrix<T>) {
        precondition(nextIndex + batch.rows <= subsample.used && batch.columns == featureCount,
                     "more rows than the subsample holds")
        values.append(contentsOf: batch.storage.lazy.map { Double($0) })
        nextIndex += batch.rows
    }

    /// The subsample's rows, `subsample.used × featureCount`.
    var matrix: Matrix<Double> {
        Matrix(rows: subsample.used, columns: featureCount, storage: values)
    }
}
