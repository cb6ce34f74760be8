// Input/output normalisation as torch computes it with weight 1 and bias 0
// (the official module's initial affine parameters, which never change here).
// Statistics are accumulated in Double and each output is rounded once to the
// module dtype: in float32 this is at least as accurate as torch's kernels, and
// the fixtures' replay tolerances allow for that difference.

import Cluster

/// LayerNorm of rows whose columns are spread over ranks, from this rank's block
/// `x` (samples × its columns) into `out`: each row's sum and then its sum of
/// squared deviations are added up across the ranks (in rank order) before this
/// rank standardises its columns: `y = (x − mean(x)) / √(var(x) + eps)`, biased
/// variance. With one rank these are exactly the operations of Linalg's
/// `standardizeEachRun` on each row, so the results are the same bits.
func layerNormRows<T: LinalgScalar>(_ x: Matrix<T>, into out: inout Matrix<T>, eps: Double,
                                    context: ShardContext) throws(CommunicatorError) {
    let (centers, scales) = try rowStatistics(x, eps: eps, context: context)
    out.ensureShape(rows: x.rows, columns: x.columns)
    standardizeRuns(x.storage, into: &out.storage, rowRuns(x), centers: centers, scales: scales)
}

/// The same in place.
func layerNormRows<T: LinalgScalar>(_ x: inout Matrix<T>, eps: Double, context: ShardContext) throws(CommunicatorError) {
    let (centers, scales) = try rowStatistics(x, eps: eps, context: context)
    standardizeRuns(&x.storage, rowRuns(x), centers: centers, scales: scales)
}

/// Each row's mean and 1/√(variance + eps) over the whole row, all ranks' columns.
private func rowStatistics<T: LinalgScalar>(_ x: Matrix<T>, eps: Double, context: ShardContext)
    throws(CommunicatorError) -> (centers: [Double], scales: [Double]) {
    let total = Double(context.rowLength)
    var means = runSums(x.storage, rowRuns(x))
    try context.addRowSums(&means)
    for i in means.indices { means[i] /= total }
    var squares = runSquaredDeviations(x.storage, rowRuns(x), from: means)
    try context.addRowSums(&squares)
    return (means, squares.map { 1 / ($0 / total + eps).squareRoot() })
}

/// Each row of `x` as one run.
private func rowRuns<T: LinalgScalar>(_ x: Matrix<T>) -> StridedRuns {
    StridedRuns(start: 0, length: x.columns, stride: x.columns, count: x.rows)
}

/// Running statistics of a BatchNorm layer (torch buffers `running_mean`,
/// `running_var`, `num_batches_tracked`). They never reach an output of the
/// official module but are kept and reported.
///
/// In a sharded run a rank holds the statistics of the channels its columns touch
/// (`channels`); `RegBNModule.gatheredBatchNormStateF()` assembles the whole layer's.
public struct BatchNormState<T: LinalgScalar>: Sendable, Equatable {
    public var runningMean: [T]
    public var runningVar: [T]
    public var batchesTracked: Int
    public let momentum: Double
    public let eps: Double
    /// The first channel held (0 for a whole layer).
    public let firstChannel: Int

    public init(channels: Int, momentum: Double, eps: Double) {
        self.init(channels: 0..<channels, momentum: momentum, eps: eps)
    }

    /// The statistics of channels `channels` of a layer.
    public init(channels: Range<Int>, momentum: Double, eps: Double) {
        self.init(runningMean: Array(repeating: 0, count: channels.count),
                  runningVar: Array(repeating: 1, count: channels.count), batchesTracked: 0,
                  momentum: momentum, eps: eps, firstChannel: channels.lowerBound)
    }

    init(runningMean: [T], runningVar: [T], batchesTracked: Int, momentum: Double, eps: Double, firstChannel: Int) {
        self.runningMean = runningMean
        self.runningVar = runningVar
        self.batchesTracked = batchesTracked
        self.momentum = momentum
        self.eps = eps
        self.firstChannel = firstChannel
    }

    /// The channels whose statistics this state holds.
    public var channels: Range<Int> { firstChannel..<(firstChannel + runningMean.count) }

    /// Training-mode BatchNorm over channels: each channel is normalised with the
    /// batch statistics (biased variance) over samples and spatial positions; the
    /// running mean/variance move by `momentum` towards the batch mean and the
    /// unbiased batch variance.
    ///
    /// `x` is this rank's block of a batch, samples × `shard.width`, channel major
    /// within a row; the result goes to `out`, whose storage is reused when it has
    /// x's shape. A channel split between ranks (`context.channelsAreLocal` false)
    /// has its sums added up across them, in rank order.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    @inline(never)
    mutating func normalizeTraining(_ x: Matrix<T>, into out: inout Matrix<T>,
                                    context: ShardContext) throws(CommunicatorError) {
        let shard = context.shard
        let count = Double(x.rows * shard.spatialSize)
        out.ensureShape(rows: x.rows, columns: x.columns)
        let runs = channels.map { shard.runs(ofChannel: $0, rows: x.rows) }
        if context.addsChannelSums {
            // Every channel's sums first, added across the ranks that share channels.
            var means = runs.map { sum(x.storage, $0) }
            try context.addChannelSums(&means, channels: channels)
            for c in means.indices { means[c] /= count }
            var squares = runs.indices.map { sumOfSquaredDeviations(x.storage, runs[$0], from: means[$0]) }
            try context.addChannelSums(&squares, channels: channels)
            for c in runs.indices { apply(c, x, &out, runs[c], mean: means[c], squares: squares[c], count: count) }
        } else {
            // Channel by channel while its values are in cache: the same operations, the same bits.
            for c in runs.indices {
                let mean = sum(x.storage, runs[c]) / count
                apply(c, x, &out, runs[c], mean: mean, squares: sumOfSquaredDeviations(x.storage, runs[c], from: mean),
                      count: count)
            }
        }
        batchesTracked += 1
    }

    /// Standardises channel `c` (`runs` of `x`) into `out` and moves its running statistics.
    @inline(__always)
    private mutating func apply(_ c: Int, _ x: Matrix<T>, _ out: inout Matrix<T>, _ runs: StridedRuns,
                                mean: Double, squares: Double, count: Double) {
        standardize(x.storage, into: &out.storage, runs, center: mean, scale: 1 / (squares / count + eps).squareRoot())
        // torch divides by n − 1 for the running variance (NaN for a single value).
        let unbiased = count > 1 ? squares / (count - 1) : .nan
        runningMean[c] = T((1 - momentum) * Double(runningMean[c]) + momentum * mean)
        runningVar[c] = T((1 - momentum) * Double(runningVar[c]) + momentum * unbiased)
    }

    /// The same on a whole layer in one process, into a new matrix.
    mutating func normalizeTraining(_ x: Matrix<T>) throws(CommunicatorError) -> Matrix<T> {
        var out = Matrix<T>(rows: 0, columns: 0)
        try normalizeTraining(x, into: &out, context: .whole(columns: x.columns, spatialSize: x.columns / runningMean.count))
        return out
    }
}

/// The input normalisation of one modality, with its state.
public enum InputNormalizer<T: LinalgScalar>: Sendable, Equatable {
    case identity
    case layerNorm(eps: Double)
    case batchNorm(BatchNormState<T>, spatialDimensions: Int)

    /// The normaliser of `channels` (all of a layer's, or a rank's share) of a modality.
    init(kind: InputNormalization, channels: Range<Int>, configuration: RegBNConfiguration) {
        switch kind {
        case .identity: self = .identity
        case .layerNorm: self = .layerNorm(eps: configuration.layerNormEps)
        case .batchNorm2d, .batchNorm3d:
            self = .batchNorm(BatchNormState(channels: channels, momentum: configuration.batchNormMomentum,
                                             eps: configuration.batchNormEps),
                              spatialDimensions: kind == .batchNorm2d ? 2 : 3)
        }
    }

    /// Training-mode forward of this rank's block (BatchNorm updates its running
    /// statistics) into `out`, whose storage is reused when it has x's shape.
    mutating func normalizeTraining(_ x: Matrix<T>, into out: inout Matrix<T>,
                                    context: ShardContext) throws(CommunicatorError) {
        switch self {
        case .identity:
            out = x
        case let .layerNorm(eps):
            try layerNormRows(x, into: &out, eps: eps, context: context)
        case .batchNorm(var state, let dims):
            try state.normalizeTraining(x, into: &out, context: context)
            self = .batchNorm(state, spatialDimensions: dims)
        }
    }

    /// The BatchNorm running statistics, when this is a BatchNorm layer.
    public var batchNormState: BatchNormState<T>? {
        if case let .batchNorm(state, _) = self { return state }
        return nil
    }
}
