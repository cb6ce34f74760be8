/// Why a diagnostic could not be computed. Messages name the operand (`x`/`y`,
/// as the caller passed them), the shapes involved and what to change.
public enum DiagnosticsError: Error, Equatable, CustomStringConvertible {
    /// `x` and `y` must describe the same samples, row for row.
    case sampleCountMismatch(x: Shape, y: Shape)
    /// A NaN or ±infinity at (`sample`, `feature`) of `operand`.
    case nonFinite(operand: String, sample: Int, feature: Int, value: Double)
    /// `statistic` needs at least `needed` samples.
    case tooFewSamples(statistic: String, needed: Int, got: Int)
    /// `operand` has no feature columns.
    case noFeatures(operand: String, shape: Shape)
    /// `columns` is not a multiple of the declared channel count.
    case channelLayoutMismatch(operand: String, columns: Int, channels: Int)
    /// A setting outside its domain (e.g. a negative σ or a batch size of 0).
    case invalidSetting(name: String, value: String, requirement: String)
    /// An operand declared categorical does not hold one integer label per sample
    /// (`sample` is nil when the shape is wrong).
    case notCategorical(operand: String, sample: Int?, reason: String)
    /// The strata labels do not describe the samples of x and y.
    case strataCountMismatch(samples: Int, labels: Int)
    /// Two estimates cannot be paired: their bootstraps did not resample the same samples.
    case unpairedBootstrap(reason: String)

    /// `rows × columns` of a sample-by-feature matrix.
    public struct Shape: Equatable, Sendable, CustomStringConvertible {
        public let rows: Int
        public let columns: Int
        public init(rows: Int, columns: Int) { self.rows = rows; self.columns = columns }
        public var description: String { "\(rows)×\(columns)" }
    }

    public var description: String {
        switch self {
        case let .sampleCountMismatch(x, y):
            return "x and y need the same number of samples (rows): got x \(x) and y \(y); "
                + "pass datasets that hold the same samples in the same order"
        case let .nonFinite(operand, sample, feature, value):
            return "\(operand) holds \(value) at sample \(sample), flattened feature \(feature); "
                + "remove or repair non-finite values before computing diagnostics"
        case let .tooFewSamples(statistic, needed, got):
            return "\(statistic) needs at least \(needed) samples, got \(got); use more samples"
        case let .noFeatures(operand, shape):
            return "\(operand) has shape \(shape): at least one feature column is needed"
        case let .channelLayoutMismatch(operand, columns, channels):
            return "\(operand) has \(columns) features per sample, which is not a multiple of "
                + "\(channels) channels; pass the channel count of the layer (axis 1 of the dataset)"
        case let .invalidSetting(name, value, requirement):
            return "\(name) = \(value) is invalid: \(requirement)"
        case let .notCategorical(operand, sample, reason):
            let location = sample.map { " at sample \($0)" } ?? ""
            return "\(operand) cannot be read as categorical labels\(location): \(reason); "
                + "pass one integer class label per sample"
        case let .strataCountMismatch(samples, labels):
            return "the strata hold \(labels) labels but x and y have \(samples) samples; "
                + "pass one stratum label per sample, in the same order"
        case let .unpairedBootstrap(reason):
            return "cannot form a paired bootstrap difference: \(reason); compute both estimates on the same "
                + "samples with the same bootstrap settings"
        }
    }
}
