import Foundation

/// The tool started as from a terminal: SIGINT, SIGTERM, SIGHUP and SIGPIPE
/// at their default dispositions and nothing blocked. Foundation's `Process`
/// does not promise that on Linux (it passes its own blocked signal mask, and
/// a test runner started in the background passes SIGINT ignored), and its
/// `waitUntilExit` polls; this waits with waitpid.
final class SpawnedTool {
    enum Ending: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let status): return "exit \(status)"
            case .signaled(let signal): return "signal \(signal)"
            }
        }
    }

    struct SpawnFailed: Error, CustomStringConvertible { let description: String }

    let pid: pid_t
    let stderrURL: URL
    private(set) var ending: Ending?

    /// Starts the built tool (or `executable` with the tool's path prepended
    /// to `arguments`, e.g. `setpriv`), stderr to `stderrURL`, stdout discarded.
    init(_ arguments: [String], stderr stderrURL: URL, through wrapper: [String] = [],
         environment extra: [String: String] = [:]) throws {
        self.stderrURL = stderrURL
        let tool = try ToolRunner.binary().path
        let argumentList = wrapper.isEmpty ? [tool] + arguments : wrapper + [tool] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        var nothing = sigset_t()
        sigemptyset(&nothing)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &nothing)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        let argv = argumentList.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let executable = argumentList[0]
        let spawned = executable.hasPrefix("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw SpawnFailed(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
    }

    deinit {
        if ending == nil {
            kill(pid, SIGKILL)
            wait()
        }
    }

    /// Sends `signal` unless the process has already been reaped.
    func send(_ signal: Int32) {
        if ending == nil { kill(pid, signal) }
    }

    /// The ending, if the process has ended (without blocking).
    func poll() -> Ending? {
        if ending == nil { reap(options: WNOHANG) }
        return ending
    }

    @discardableResult
    func wait() -> Ending {
        while ending == nil { reap(options: 0) }
        return ending ?? .exited(-1)
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    private func reap(options: Int32) {
        var status: Int32 = 0
        let result = waitpid(pid, &status, options)
        if result == -1 && errno == EINTR { return }
        guard result == pid else {
            if result == -1 { ending = .exited(-1) }  // not our child any more: nothing to wait for
            return
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are C macros: decoded by hand.
        let termination = status & 0x7f
        ending = termination == 0 ? .exited((status >> 8) & 0xff) : .signaled(termination)
    }
}
