import Foundation

/// Removes staging entries that a killed run (SIGKILL, a crash, power loss)
/// left beside an output, so they do not accumulate.
///
/// An entry is stale only when both its owner is gone (the PID in its name no
/// longer runs) and nobody holds its `flock` (each run holds the lock on its
/// entries while it lives). The PID test covers the moment between an entry's
/// creation and its locking; the lock covers a PID that is alive in another
/// PID namespace (a container writing to the same directory). A reused PID
/// keeps a stale entry until that process ends: the cautious side.
enum StaleStaging {
    /// Removes every stale entry in `directory` and says so on stderr.
    /// Entries that cannot be checked or removed are left for a later run.
    static func removeStale(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let ourPID = getpid()
        for name in names {
            guard let owner = StagingName.owner(of: name), owner != ourPID,
                  !FileSystem.processIsRunning(owner) else { continue }
            let path = directory == "/" ? "/" + name : directory + "/" + name
            do {
                guard let kind = try removeIfUnlocked(path) else { continue }
                Console.error("Removed stale staging \(kind) '\(path)' left by process \(owner) that no longer runs "
                              + "(an interrupted earlier run).\n")
            } catch {
                Console.error("Warning: could not remove the stale staging entry '\(path)' left by process \(owner) "
                              + "(\(error.call): \(error.reason)); remove it by hand.\n")
            }
        }
    }

    /// Removes the entry unless its lock is held; returns what it was. Only
    /// regular files and directories are the tool's: anything else under a
    /// staging-like name (a link, a FIFO) is left alone.
    /// An entry that vanished or cannot be opened meanwhile is another
    /// cleaner's or its owner's business: nil, not an error.
    private static func removeIfUnlocked(_ path: String) throws(SystemCallError) -> String? {
        guard let type = try? FileSystem.entryType(path), type == .regularFile || type == .directory,
              let descriptor = try? FileSystem.openExisting(path) else { return nil }
        defer { close(descriptor) }
        guard try FileSystem.tryLock(descriptor, path: path) else { return nil }
        try FileSystem.removeTree(path)
        return type == .directory ? "directory" : "file"
    }
}
