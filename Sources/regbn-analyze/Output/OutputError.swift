/// Why an output (the `--out` file or report directory) could not be written.
///
/// The kind decides the exit status: a path the user can fix on the command
/// line (an existing output without `--force`, a lost race for the name, a
/// directory where a file is expected, a file in the way of a parent, a name
/// too long) is a usage error (2); everything the system refused while
/// writing (permissions, a read-only or full disk, I/O errors) is an output
/// failure (1).
struct OutputError: Error, CustomStringConvertible, Sendable {
    enum Kind: Sendable, Equatable {
        /// The output exists and `--force` was not given.
        case exists
        /// The output did not exist when the run started, but another process
        /// created it before this run could put its own in place.
        case appearedMeanwhile
        /// A directory where a file is expected, or the other way round.
        case wrongKind
        /// The path cannot name an output as given (empty, too long, a file
        /// where a parent directory should be).
        case invalidPath
        /// The system refused a write (EACCES, EROFS, ENOSPC, EIO, …).
        case writeFailed
    }

    let kind: Kind
    /// The `--out` value as the user gave it.
    let path: String
    /// What is wrong and what to do, without the `--out` prefix.
    let message: String

    init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    var exitStatus: ExitStatus { kind == .writeFailed ? .failure : .usage }

    var description: String { "--out \(path): \(message)" }
}
