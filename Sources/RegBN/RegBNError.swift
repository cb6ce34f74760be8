/// Failures of the RegBN module. Each message says what was wrong and what to do.
public enum RegBNError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// A batch's flattened width or row count does not match the configuration or its partner.
    case shapeMismatch(String)
    /// ±infinity in an input batch. The official code does not catch this: it turns into
    /// NaN, both SVD attempts fail and the module then returns every later input unchanged
    /// (a permanent latch). This port stops instead.
    case infiniteInput(modality: String, row: Int, column: Int)
    /// `s² + λ` is exactly zero for some singular value, where the official code's
    /// `torch.linalg.inv` raises (e.g. a zero singular value with sigma-min 0 and λ = 0).
    case singularRegularisedSpectrum(lambda: Double)
    /// LAPACK could not decompose the normalised g batch.
    case decompositionFailed(String)
    /// A replayed λ schedule does not cover every training step, or holds a negative/non-finite λ.
    case invalidLambdaSchedule(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason):
            return "invalid RegBN configuration: \(reason)"
        case let .shapeMismatch(reason):
            return "batch shape mismatch: \(reason)"
        case let .infiniteInput(modality, row, column):
            return "\(modality) holds ±infinity at batch row \(row), flattened feature \(column); "
                + "remove or clip non-finite values before normalising (the official code would silently "
                + "stop normalising for the rest of the run)"
        case let .singularRegularisedSpectrum(lambda):
            return "s² + λ is zero for a singular value of the normalised g batch at λ = \(lambda); "
                + "with sigmaMin 0, zero singular values are not replaced"
        case let .decompositionFailed(reason):
            return "the SVD of the normalised g batch failed: \(reason)"
        case let .invalidLambdaSchedule(reason):
            return "invalid λ schedule: \(reason)"
        }
    }
}
