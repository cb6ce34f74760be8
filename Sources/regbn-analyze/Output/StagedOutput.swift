import Foundation

/// One output of a run — the HDF5 file of `normalize` or a report directory —
/// written under a hidden staging name beside its final name and renamed
/// into place only when complete. The final name therefore shows either
/// nothing, the old output, or the complete new one; never a partial one.
///
/// Lifecycle: `init` checks the path's syntax; `prepare()`, called before any
/// expensive work, creates missing parent directories, removes stale staging
/// entries of killed runs, refuses an existing output without `--force`, and
/// creates the staging entry (registered for removal on SIGINT/SIGTERM/SIGHUP,
/// locked while this process lives). The caller writes into `stagingPath`,
/// then `commit()` syncs it and renames it into place. Any failure, or
/// dropping the object uncommitted, removes the staging entry.
final class StagedOutput {
    let output: OutputPath
    let force: Bool
    /// Where the caller writes, once prepared.
    private(set) var stagingPath: String?
    /// Open on the staging entry, holding its `flock` (see `StaleStaging`).
    private var lockDescriptor: Int32 = -1
    private(set) var isCommitted = false
    /// Ranks of an MPI job other than 0 compute what rank 0 writes and keep
    /// nothing: they stage in the temporary directory, and `commit` removes it.
    let discardsOutput: Bool

    init(path: String, kind: OutputPath.Kind, force: Bool) throws(OutputError) {
        output = try OutputPath(path, kind: kind)
        self.force = force
        discardsOutput = !Ranks.isRoot
    }

    deinit { abandon() }

    /// Everything that can refuse the output, done before the run's work;
    /// returns the staging path to write into.
    @discardableResult
    func prepare() throws(OutputError) -> String {
        if let stagingPath { return stagingPath }
        if discardsOutput {
            let path = NSTemporaryDirectory() + "/" + StagingName.make(for: "rank\(Ranks.communicator.rank)-\(output.name)")
            do throws(SystemCallError) {
                try create(path)
            } catch {
                throw OutputError(error, path: path, "cannot create this rank's scratch output")
            }
            stagingPath = path
            return path
        }
        try output.createDirectory()
        try output.checkTarget(force: force)
        StaleStaging.removeStale(in: output.directory)
        var attempt = 0
        while true {
            let candidate = output.directory == "/" ? "/" : output.directory + "/"
            let path = candidate + StagingName.make(for: output.name)
            do throws(SystemCallError) {
                try create(path)
                stagingPath = path
                return path
            } catch where error.code == EEXIST && attempt < 3 {
                attempt += 1  // a token collision: draw another name
            } catch {
                throw OutputError(error, path: output.given, "cannot create the "
                                  + "\(output.kind == .file ? "file" : "report directory") in '\(output.directory)'")
            }
        }
    }

    /// Removes the staging entry (and forgets it); idempotent, and a no-op
    /// once committed.
    func abandon() {
        guard let stagingPath, !isCommitted else { return }
        StagingRegistry.withLock { state in
            // Best effort: what cannot be removed now carries this run's PID and
            // no lock once the process ends, so the next run removes it.
            try? FileSystem.removeTree(stagingPath)
            state.entries[stagingPath] = nil
        }
        self.stagingPath = nil
        releaseLock()
    }

    // MARK: - Helpers

    /// Registers, creates and locks the entry inside one critical section, so
    /// the signal clean-up never runs between registration and creation.
    private func create(_ path: String) throws(SystemCallError) {
        let output = output
        lockDescriptor = try StagingRegistry.withLock { state throws(SystemCallError) -> Int32 in
            state.entries[path] = .init(output: output.given, role: .unfinished)
            do throws(SystemCallError) {
                let descriptor = try Self.createEntry(path, kind: output.kind)
                // Nobody else can hold the lock on an entry this process just
                // created; where flock is unavailable (some network file
                // systems), the PID in the name alone keeps other runs off it.
                _ = try? FileSystem.tryLock(descriptor, path: path)
                return descriptor
            } catch {
                state.entries[path] = nil
                throw error
            }
        }
    }

    /// The staging file, or the staging directory, opened.
    private static func createEntry(_ path: String, kind: OutputPath.Kind) throws(SystemCallError) -> Int32 {
        switch kind {
        case .file:
            return try FileSystem.createFile(path)
        case .directory:
            try FileSystem.makeDirectory(path)
            do throws(SystemCallError) {
                return try FileSystem.openDirectory(path, followingLinks: false)
            } catch {
                _ = rmdir(path)
                throw error
            }
        }
    }

    func releaseLock() {
        if lockDescriptor >= 0 { close(lockDescriptor) }
        lockDescriptor = -1
    }

    /// Syncs the staging entry's data (a file) or entries (a directory), so
    /// the final name never points to data still only in the page cache.
    func syncStaging() throws(SystemCallError) {
        guard lockDescriptor >= 0, let stagingPath else { return }
        try FileSystem.sync(lockDescriptor, path: stagingPath)
    }

    func markCommitted() {
        isCommitted = true
        stagingPath = nil
        releaseLock()
    }
}
