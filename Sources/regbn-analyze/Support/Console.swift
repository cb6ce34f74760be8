import Foundation

/// stdout/stderr writes without buffering surprises: reports of long runs
/// must appear in order with progress lines.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether stderr is a terminal: progress is drawn only there, never into
    /// a log file or a pipe.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
