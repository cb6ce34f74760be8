/// The SPEC's exit codes; `meaning` is what the tool's help says of each.
enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    case failure = 1
    case usage = 2
    case badInput = 3

    var meaning: String {
        switch self {
        case .success:
            return "Success."
        case .failure:
            return "Writing an output failed (disk full, I/O error, closed stdout), or an internal error."
        case .usage:
            return "Usage error: a bad option or value, an existing output without --force, or an output "
                + "another run created meanwhile."
        case .badInput:
            // A run that needs more memory than the machine has is refused as
            // bad input: the same command succeeds on smaller data.
            return "Bad input: unreadable or malformed data, non-finite values, shapes that do not fit, or "
                + "inputs too big for this machine's memory."
        }
    }
}

/// An error the tool can present: its exit status and, where the error's own
/// text (written in library terms) does not say it, the command-line remedy.
///
/// Error types of the executable conform where they are defined; library
/// error types (HDF5IO, RegBN, Diagnostics, Linalg) conform in
/// `ErrorPolicy.swift`, so the whole mapping of errors to exit statuses and
/// advice reads in one file.
protocol ExitStatusProviding: Error {
    var exitStatus: ExitStatus { get }
    /// Which flag or command fixes it, for this invocation; nil when the
    /// message already says so.
    func advice(in context: ErrorContext) -> String?
}

extension ExitStatusProviding {
    func advice(in context: ErrorContext) -> String? { nil }
}
