import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) or SIGTERM in the middle of a run: outputs are staged under
/// hidden temporary names and renamed into place only when complete, so an
/// interruption never leaves a half-written result under the final name; this
/// also removes the staged files, which `deinit`/`catch` clean-up never reaches
/// when the process is killed.
enum Interruption {
    private static let staged = Mutex<Set<String>>([])
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Call once, first thing in `main`.
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)  // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { removeStagedAndExit(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `body` with `path` (a staging file or directory) registered for removal on interruption.
    static func staging<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        _ = staged.withLock { $0.insert(path) }
        defer { _ = staged.withLock { $0.remove(path) } }
        return try body()
    }

    private static func removeStagedAndExit(_ signalNumber: Int32) {
        let paths = staged.withLock { $0 }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        let name = signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
        Console.error("\nInterrupted (\(name)); no output was written"
                      + (paths.isEmpty ? ".\n" : " and the partial files were removed.\n"))
        // Die of the same signal, as an uninterrupted tool would have, so that
        // shells and make see an interrupt (status 128 + n), not an error exit.
        // Never `exit`: the main thread may be inside HDF5, whose atexit
        // clean-up must not run concurrently with it.
        signal(signalNumber, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signalNumber)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)  // libdispatch keeps it blocked in its threads
        raise(signalNumber)
        _exit(128 + signalNumber)
    }
}
