import Foundation
import Synchronization

/// stdout/stderr writes that never trap and never buffer: reports of long
/// runs must appear in order with progress lines, and a full disk or a closed
/// pipe must end the program with exit 1, not a crash (Foundation's
/// `FileHandle.write(_: Data)` traps on ENOSPC and EPIPE).
///
/// SIGPIPE is ignored (`ignoreBrokenPipes`), so a reader that goes away
/// (`regbn-analyze inspect f.h5 | head -1`) shows up as EPIPE: the output is
/// then unwanted, and the tool ends quietly with exit 1. Any other failure on
/// stdout is reported on stderr, also with exit 1.
enum Console {
    /// Set for the ranks of an MPI job other than rank 0, which run the same
    /// commands: everything a user reads is written once, by rank 0.
    nonisolated(unsafe) static var isSilent = false

    /// Call once at start-up, before anything is written.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// The result of a command; a failure ends the command (exit 1).
    static func out(_ text: String) throws(ConsoleError) {
        if let errorNumber = write(text, to: STDOUT_FILENO) {
            throw ConsoleError(stream: "standard output", errorNumber: errorNumber)
        }
    }

    /// Diagnostics and progress. Best effort: when stderr itself fails there
    /// is nowhere left to report it, so the failure is only remembered, and
    /// `App` exits 1 at the end.
    static func error(_ text: String) {
        if let errorNumber = write(text, to: STDERR_FILENO) {
            stderrFailure.withLock { $0 = $0 ?? errorNumber }
        }
    }

    /// errno of the first failed stderr write, if any.
    static var stderrFailed: Bool { stderrFailure.withLock { $0 != nil } }

    /// Whether stderr is a terminal: progress is drawn only there, never into
    /// a log file or a pipe.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    private static let stderrFailure = Mutex<Int32?>(nil)

    /// Writes all of `text`, resuming after partial writes and EINTR; returns
    /// errno on failure.
    private static func write(_ text: String, to descriptor: Int32) -> Int32? {
        if isSilent { return nil }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return written < 0 ? errno : EIO
                }
            }
            return nil
        }
    }
}

/// A write to stdout failed: exit 1, quietly when the reader closed the pipe.
struct ConsoleError: Error, CustomStringConvertible, ExitStatusProviding {
    let stream: String
    let errorNumber: Int32

    var exitStatus: ExitStatus { .failure }
    /// The reader went away (`| head`): nothing to tell it.
    var isBrokenPipe: Bool { errorNumber == EPIPE }
    var description: String { "cannot write to \(stream): \(String(cString: strerror(errorNumber)))" }
}
