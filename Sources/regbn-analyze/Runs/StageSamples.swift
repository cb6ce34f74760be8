import Diagnostics
import Linalg

/// What the dependence statistics of one operand need, gathered while the
/// data stream past in batches: the rows of the deterministic subsample
/// (exact n×n kernels) and the per-sample channel means of every row
/// (cross-correlation, n × C). Memory: subsample × features + n × C.
struct StageSamples {
    let subsample: Subsample
    let featureCount: Int
    let channels: Int
    private var sampled: [Double] = []
    private var channelMeans: [Double] = []
    private var nextIndex = 0
    private var rowsSeen = 0

    init(total: Int, maxSamples: Int, featureCount: Int, channels: Int) {
        subsample = Subsample(total: total, maxSamples: maxSamples)
        self.featureCount = featureCount
        self.channels = channels
        sampled.reserveCapacity(subsample.used * featureCount)
        channelMeans.reserveCapacity(total * channels)
    }

    /// Adds consecutive rows starting at `rows.lowerBound` (batches in order).
    mutating func add<T: LinalgScalar>(_ batch: Matrix<T>, rows: Range<Int>) throws {
        precondition(rows.lowerBound == rowsSeen && rows.count == batch.rows, "batches must arrive in sample order")
        let values = Matrix<Double>(rows: batch.rows, columns: batch.columns, storage: batch.storage.map { Double($0) })
        while nextIndex < subsample.used && subsample.indices[nextIndex] < rows.upperBound {
            sampled += values.row(subsample.indices[nextIndex] - rows.lowerBound)
            nextIndex += 1
        }
        channelMeans += try channelFeatures(values, channels: channels).storage
        rowsSeen = rows.upperBound
    }

    var isComplete: Bool { rowsSeen == subsample.total }

    /// The subsampled rows, `subsample.used × featureCount`.
    var subsampleMatrix: Matrix<Double> {
        Matrix(rows: subsample.used, columns: featureCount, storage: sampled)
    }

    /// Per-sample channel means of every row, `n × channels`.
    var channelMatrix: Matrix<Double> {
        Matrix(rows: rowsSeen, columns: channels, storage: channelMeans)
    }
}
