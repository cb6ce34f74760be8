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
    /// The median heuristic found a zero median distance (more than half the
    /// sampled pairs of rows coincide), so no Gaussian width follows from it.
    case degenerateBandwidth(operand: String, rowsUsed: Int)
    /// A setting outside its domain (e.g. a negative σ or a batch size of 0).
    case invalidSetting(name: String, value: String, requirement: String)

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
        case let .degenerateBandwidth(operand, rowsUsed):
            return "median heuristic for \(operand): the median pairwise distance over \(rowsUsed) "
                + "rows is 0 (most rows are identical); pass an explicit sigma"
        case let .invalidSetting(name, value, requirement):
            return "\(name) = \(value) is invalid: \(requirement)"
        }
    }
}
