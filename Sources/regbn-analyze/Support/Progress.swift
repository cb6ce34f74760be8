import Foundation

/// Progress of long steps on stderr, redrawn in place, shown only when stderr
/// is a terminal and `--quiet` is absent.
final class Progress {
    // Mutable state is touched only from the command's own thread.
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(quiet: Bool) {
        enabled = !quiet && Console.stderrIsTerminal
    }

    /// `label: done/total`, at most ten redraws a second.
    func update(_ label: String, done: Int, total: Int) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        Console.error("\r\u{1B}[2K\(label): \(done)/\(total)")
        drawn = true
    }

    /// One finished step (`label … done in 1.2 s`).
    func note(_ line: String) {
        guard enabled else { return }
        finishLine()
        Console.error(line + "\n")
    }

    func finishLine() {
        guard enabled, drawn else { return }
        Console.error("\r\u{1B}[2K")
        drawn = false
    }
}
