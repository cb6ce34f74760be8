// Input/output normalisation as torch computes it with weight 1 and bias 0
// (the official module's initial affine parameters, which never change here).
// Statistics are accumulated in Double and each output is rounded once to the
// module dtype: in float32 this is at least as accurate as torch's kernels, and
// the fixtures' replay tolerances allow for that difference.

/// LayerNorm over all columns of each row (biased variance), in place:
/// `y = (x − mean(x)) / √(var(x) + eps)`.
func layerNormRows<T: LinalgScalar>(_ x: inout Matrix<T>, eps: Double) {
    standardizeEachRun(&x.storage, rowRuns(x), epsilon: eps)
}

/// The same from `x` into `out` (its storage reused when it has x's shape).
func layerNormRows<T: LinalgScalar>(_ x: Matrix<T>, into out: inout Matrix<T>, eps: Double) {
    out.ensureShape(rows: x.rows, columns: x.columns)
    standardizeEachRun(x.storage, into: &out.storage, rowRuns(x), epsilon: eps)
}

/// Each row of `x` as one run.
private func rowRuns<T: LinalgScalar>(_ x: Matrix<T>) -> StridedRuns {
    StridedRuns(start: 0, length: x.columns, stride: x.columns, count: x.rows)
}

/// Running statistics of a BatchNorm layer (torch buffers `running_mean`,
/// `running_var`, `num_batches_tracked`). They never reach an output of the
/// official module but are kept and reported.
public struct BatchNormState<T: LinalgScalar>: Sendable, Equatable {
    public var runningMean: [T]
    public var runningVar: [T]
    public var batchesTracked: Int
    public let momentum: Double
    public let eps: Double

    public init(channels: Int, momentum: Double, eps: Double) {
        runningMean = Array(repeating: 0, count: channels)
        runningVar = Array(repeating: 1, count: channels)
        batchesTracked = 0
        self.momentum = momentum
        self.eps = eps
    }

    /// Training-mode BatchNorm over channels: each channel is normalised with the
    /// batch statistics (biased variance) over samples and spatial positions; the
    /// running mean/variance move by `momentum` towards the batch mean and the
    /// unbiased batch variance.
    ///
    /// `x` is samples × (channels·spatial), channel major within a row; the result goes
    /// to `out`, whose storage is reused when it has x's shape.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    @inline(never)
    mutating func normalizeTraining(_ x: Matrix<T>, into out: inout Matrix<T>) {
        let channels = runningMean.count
        let spatial = x.columns / channels
        let count = x.rows * spatial
        out.ensureShape(rows: x.rows, columns: x.columns)
        for c in 0..<channels {
            // Channel c: `spatial` values in every sample's row.
            let runs = StridedRuns(start: c * spatial, length: spatial, stride: x.columns, count: x.rows)
            let mean = sum(x.storage, runs) / Double(count)
            let sq = sumOfSquaredDeviations(x.storage, runs, from: mean)
            let invstd = 1 / (sq / Double(count) + eps).squareRoot()
            standardize(x.storage, into: &out.storage, runs, center: mean, scale: invstd)
            // torch divides by n − 1 for the running variance (NaN for a single value).
            let unbiased = count > 1 ? sq / Double(count - 1) : .nan
            runningMean[c] = T((1 - momentum) * Double(runningMean[c]) + momentum * mean)
            runningVar[c] = T((1 - momentum) * Double(runningVar[c]) + momentum * unbiased)
        }
        batchesTracked += 1
    }

    /// The same, into a new matrix.
    mutating func normalizeTraining(_ x: Matrix<T>) -> Matrix<T> {
        var out = Matrix<T>(rows: 0, columns: 0)
        normalizeTraining(x, into: &out)
        return out
    }
}

/// The input normalisation of one modality, with its state.
public enum InputNormalizer<T: LinalgScalar>: Sendable, Equatable {
    case identity
    case layerNorm(eps: Double)
    case batchNorm(BatchNormState<T>, spatialDimensions: Int)

    init(kind: InputNormalization, channels: Int, configuration: RegBNConfiguration) {
        switch kind {
        case .identity: self = .identity
        case .layerNorm: self = .layerNorm(eps: configuration.layerNormEps)
        case .batchNorm2d, .batchNorm3d:
            self = .batchNorm(BatchNormState(channels: channels, momentum: configuration.batchNormMomentum,
                                             eps: configuration.batchNormEps),
                              spatialDimensions: kind == .batchNorm2d ? 2 : 3)
        }
    }

    /// Training-mode forward (BatchNorm updates its running statistics) into `out`, whose
    /// storage is reused when it has x's shape.
    mutating func normalizeTraining(_ x: Matrix<T>, into out: inout Matrix<T>) {
        switch self {
        case .identity:
            out = x
        case let .layerNorm(eps):
            layerNormRows(x, into: &out, eps: eps)
        case .batchNorm(var state, let dims):
            state.normalizeTraining(x, into: &out)
            self = .batchNorm(state, spatialDimensions: dims)
        }
    }

    /// The same, into a new matrix.
    mutating func normalizeTraining(_ x: Matrix<T>) -> Matrix<T> {
        var out = Matrix<T>(rows: 0, columns: 0)
        normalizeTraining(x, into: &out)
        return out
    }

    /// The BatchNorm running statistics, when this is a BatchNorm layer.
    public var batchNormState: BatchNormState<T>? {
        if case let .batchNorm(state, _) = self { return state }
        return nil
    }
}
