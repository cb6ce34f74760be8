import Foundation

/// Runs a child process and waits for it with posix_spawn/waitpid: Foundation's
/// `Process.waitUntilExit` polls on Linux and would add tens of ms to a timed run.
enum ChildProcess {
    /// Runs `executable arguments…` with this process's environment plus `environment`;
    /// returns its standard output, throws with its standard error when it exits with a
    /// non-zero status.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("regbn-bench-\(getpid())-\(UUID().uuidString)")
        let outputLog = base.appendingPathExtension("stdout"), errorLog = base.appendingPathExtension("stderr")
        defer {
            try? FileManager.default.removeItem(at: outputLog)
            try? FileManager.default.removeItem(at: errorLog)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputLog.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorLog.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw BenchmarkError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOf: outputLog, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let message = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            throw BenchmarkError("\(executable) \(arguments.prefix(1).joined()) failed (wait status \(status)): "
                                 + message.split(separator: "\n").suffix(3).joined(separator: " | "))
        }
        return output
    }
}
