import CPosix
import Foundation

/// SIGINT (Ctrl-C), SIGTERM (kill, schedulers) and SIGHUP (a closed terminal)
/// in the middle of a run: the staging entries of unfinished outputs are
/// removed, then the process dies of the same signal. Outputs are written
/// under staging names and renamed into place complete (`StagedOutput`), so
/// after a signal the final name holds nothing, the old output, or the
/// complete new one.
///
/// Design: a C handler (installed first thing in `main`, before any staging
/// entry can exist) only writes the signal number to a pipe, which is
/// async-signal-safe whichever thread the kernel picks (OpenBLAS starts
/// threads before `main`, so blocking the signals everywhere for `sigwait`
/// is not possible). A dedicated thread reads the pipe and does the
/// clean-up as ordinary code: it takes the staging registry's lock, removes
/// what is registered, and dies inside the lock — see `StagingRegistry` for
/// why this cannot race with creating or committing an entry.
///
/// A signal ignored when the tool starts stays ignored, as POSIX tools do:
/// `nohup` (SIGHUP) and background jobs of a script (SIGINT) keep running.
enum Interruption {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Call once, first thing in `main`.
    static func install() {
        // A file size limit (ulimit -f) makes writes fail with EFBIG, an output
        // error the tool reports, instead of killing it with a core dump.
        signal(SIGXFSZ, SIG_IGN)
        // A parent may pass them blocked (Foundation's Process does on Linux);
        // unblocked here, the main thread and the watcher (started below, it
        // inherits this mask) receive them even where threads started before
        // `main` keep them blocked.
        var mask = sigset_t()
        sigemptyset(&mask)
        for signalNumber in handled { sigaddset(&mask, signalNumber) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return warnUnprotected("pipe") }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        // A full pipe must never block the handler; one byte per signal is plenty.
        _ = fcntl(descriptors[1], F_SETFL, fcntl(descriptors[1], F_GETFL) | O_NONBLOCK)
        let reader = descriptors[0]
        let watcher = Thread { watch(reader) }
        watcher.name = "signal clean-up"
        watcher.start()
        guard cposix_forward_signals(descriptors[1], handled, Int32(handled.count)) == 0 else {
            return warnUnprotected("sigaction")
        }
    }

    /// Ends the process with `status` unless a signal's clean-up is under way,
    /// in which case that finishes and the process dies of the signal: the
    /// status must say "interrupted", and exit's handlers must not run beside
    /// the clean-up.
    static func exit(_ status: ExitStatus) -> Never {
        StagingRegistry.withLock { _ in Foundation.exit(status.rawValue) }
    }

    // MARK: - The watcher thread

    private static func watch(_ reader: Int32) {
        // Its stderr message must not raise SIGPIPE (a closed pipe): that would
        // kill the process by another signal than the one being handled.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
        var byte: UInt8 = 0
        while true {
            let count = read(reader, &byte, 1)
            if count == 1 { removeStagedAndDie(Int32(byte)) }
            if count < 0 && errno == EINTR { continue }
            return
        }
    }

    private static func removeStagedAndDie(_ signalNumber: Int32) -> Never {
        StagingRegistry.withLock { state -> Never in
            var failures: [String] = []
            for path in state.entries.keys.sorted() {
                do throws(SystemCallError) {
                    try FileSystem.removeTree(path)
                } catch {
                    failures.append("\(path) (\(error.reason))")
                }
            }
            writeToStderr(message(signalNumber, state, failures: failures))
            die(signalNumber)
        }
    }

    static func message(_ signalNumber: Int32, _ state: StagingRegistry.State, failures: [String]) -> String {
        let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][signalNumber] ?? "signal \(signalNumber)"
        let unfinished = Set(state.entries.values.filter { $0.role == .unfinished }.map(\.output)).sorted()
        var text = "\nInterrupted (\(name))"
        if !state.committed.isEmpty {
            text += "; complete: " + state.committed.map { "--out \($0)" }.joined(separator: ", ")
        }
        if !unfinished.isEmpty {
            text += "; not written: " + unfinished.map { "--out \($0)" }.joined(separator: ", ")
                + " (its unfinished staging copy was removed)"
        } else if state.committed.isEmpty {
            text += "; no output was written"
        }
        text += ".\n"
        for failure in failures {
            text += "Could not remove the staging entry \(failure); the next run in its directory removes it.\n"
        }
        return text
    }

    /// Dies of `signalNumber`, as the tool would have without the clean-up,
    /// so that shells and make see an interrupt (status 128 + n), not an
    /// error exit.
    private static func die(_ signalNumber: Int32) -> Never {
        signal(signalNumber, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signalNumber)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        raise(signalNumber)
        _exit(128 + signalNumber)
    }

    /// Plain write(2): this thread must never trap or exit on a failed write.
    private static func writeToStderr(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    private static func warnUnprotected(_ call: String) {
        Console.error("Warning: cannot install the signal clean-up (\(call): \(String(cString: strerror(errno)))); "
                      + "an interrupted run may leave a hidden staging entry, which the next run removes.\n")
    }
}
