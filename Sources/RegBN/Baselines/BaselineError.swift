/// Why a least-squares regress-out baseline could not be computed.
public enum BaselineError: Error, Equatable, CustomStringConvertible {
    /// f and g describe different samples, or a batch's width differs from the first one's.
    case shapeMismatch(String)
    /// A NaN or ±infinity in an input batch.
    case nonFinite(operand: String, row: Int, column: Int)
    /// No sample was accumulated before solving.
    case noSamples
    /// The ridge term must be a finite number ≥ 0.
    case invalidRidge(Double)

    public var description: String {
        switch self {
        case let .shapeMismatch(reason):
            return "regress-out baseline: \(reason)"
        case let .nonFinite(operand, row, column):
            return "regress-out baseline: \(operand) holds a non-finite value at batch row \(row), feature \(column); "
                + "remove or repair non-finite values first"
        case .noSamples:
            return "regress-out baseline: no samples were accumulated; add at least one batch before solving"
        case let .invalidRidge(value):
            return "regress-out baseline: ridge = \(value) is invalid; it must be a finite number ≥ 0"
        }
    }
}
