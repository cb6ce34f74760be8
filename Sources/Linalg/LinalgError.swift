/// Failures reported by LAPACK, turned into Swift values at the wrapper.
public enum LinalgError: Error, Equatable, CustomStringConvertible {
    /// LAPACK rejected argument number `position` (a bug in the wrapper, never in user data).
    case illegalArgument(routine: String, position: Int32)
    /// The iterative part of the routine did not converge (`info > 0`), e.g. on NaN input.
    case didNotConverge(routine: String, info: Int32)
    /// The matrix holds NaN or ±infinity; the factorisation would be meaningless.
    case nonFinite(routine: String)

    public var description: String {
        switch self {
        case let .illegalArgument(routine, position):
            return "\(routine): LAPACK rejected argument \(position) (internal error, please report)"
        case let .didNotConverge(routine, info):
            return "\(routine): the decomposition did not converge (info \(info)); the input is numerically degenerate"
        case let .nonFinite(routine):
            return "\(routine): the matrix contains NaN or infinity"
        }
    }
}
