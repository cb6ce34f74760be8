import Foundation

extension StagedOutput {
    /// Puts the finished staging entry in place under the final name.
    ///
    /// - Without `--force`, the rename never replaces (renameat2
    ///   `RENAME_NOREPLACE`; `link` + `unlink` for files where the file system
    ///   lacks it): an output another process put there while this run worked
    ///   is kept, and this run fails with `appearedMeanwhile` (exit 2).
    /// - With `--force`, a file is replaced by rename(2), atomically. A report
    ///   directory is swapped with the old one in one step (`RENAME_EXCHANGE`),
    ///   so the final name always holds a complete report; the old one, now
    ///   under the staging name, is then removed.
    ///
    /// The rename and the registry update happen under the registry lock
    /// (see `StagingRegistry`), so a signal's clean-up sees the staging entry
    /// either before the rename (and removes it) or after (and removes only
    /// the replaced old report).
    func commit() throws(OutputError) {
        guard let staging = stagingPath, !isCommitted else {
            throw OutputError(.writeFailed, path: output.given, "nothing was staged to commit (an internal error).")
        }
        if discardsOutput { return abandon() }
        let replaced: String?
        do throws(OutputError) {
            if let failure = Self.attempt({ () throws(SystemCallError) in try syncStaging() }) {
                throw OutputError(failure, path: output.given, "cannot save the output to disk")
            }
            replaced = try StagingRegistry.withLock { state throws(OutputError) -> String? in
                let old = try moveIntoPlace(staging)
                state.entries[staging] = nil
                if let old { state.entries[old] = .init(output: output.given, role: .replaced) }
                state.committed.append(output.given)
                return old
            }
        } catch {
            abandon()
            throw error
        }
        markCommitted()
        if let replaced { removeReplaced(replaced) }
        // Makes the rename itself durable. The output is in place whatever this
        // returns, so a failure here is not turned into a failed run.
        try? FileSystem.syncDirectory(output.directory)
    }

    // MARK: - Helpers (called with the registry lock held)

    /// Returns where the replaced old output now is, if one was replaced.
    private func moveIntoPlace(_ staging: String) throws(OutputError) -> String? {
        switch (output.kind, force) {
        case (.file, false):
            try placeFileWithoutReplacing(staging)
            return nil
        case (.file, true):
            if let failure = Self.attempt({ () throws(SystemCallError) in
                try FileSystem.rename(staging, to: output.path, .replace)
            }) {
                // A directory appeared under the file's name meanwhile.
                if [EISDIR, ENOTEMPTY, EEXIST].contains(failure.code) { try output.checkTarget(force: true) }
                throw OutputError(failure, path: output.given, "cannot move the finished file into place")
            }
            return nil
        case (.directory, false):
            try placeDirectoryWithoutReplacing(staging)
            return nil
        case (.directory, true):
            return try replaceDirectory(staging)
        }
    }

    private func placeFileWithoutReplacing(_ staging: String) throws(OutputError) {
        let target = output.path
        guard let renameFailure = Self.attempt({ () throws(SystemCallError) in
            try FileSystem.rename(staging, to: target, .noReplace)
        }) else { return }
        if renameFailure.code == EEXIST { throw output.appearedMeanwhileError() }
        guard Self.isUnsupported(renameFailure) else {
            throw OutputError(renameFailure, path: output.given, "cannot move the finished file into place")
        }
        // No renameat2 here: a hard link is just as exclusive (EEXIST).
        guard let linkFailure = Self.attempt({ () throws(SystemCallError) in try FileSystem.link(staging, to: target) })
        else {
            // Both names now hold the complete file; a staging name left by a
            // failed unlink is stale once this process ends.
            _ = unlink(staging)
            return
        }
        if linkFailure.code == EEXIST { throw output.appearedMeanwhileError() }
        guard Self.isUnsupported(linkFailure) || linkFailure.code == EPERM else {
            throw OutputError(linkFailure, path: output.given, "cannot move the finished file into place")
        }
        // No hard links either (some FUSE and FAT file systems): check, then
        // rename. Only here can a concurrent writer slip in between.
        guard (try? FileSystem.entryType(target)) == .missing else { throw output.appearedMeanwhileError() }
        if let failure = Self.attempt({ () throws(SystemCallError) in
            try FileSystem.rename(staging, to: target, .replace)
        }) {
            throw OutputError(failure, path: output.given, "cannot move the finished file into place")
        }
    }

    private func placeDirectoryWithoutReplacing(_ staging: String) throws(OutputError) {
        var failure = Self.attempt({ () throws(SystemCallError) in
            try FileSystem.rename(staging, to: output.path, .noReplace)
        })
        if let unsupported = failure, Self.isUnsupported(unsupported) {
            // rename(2) replaces only an empty directory and refuses a
            // non-empty one, which every report is: exclusive enough.
            failure = Self.attempt({ () throws(SystemCallError) in
                try FileSystem.rename(staging, to: output.path, .replace)
            })
        }
        guard let failure else { return }
        if [EEXIST, ENOTEMPTY, ENOTDIR].contains(failure.code) { throw output.appearedMeanwhileError() }
        throw OutputError(failure, path: output.given, "cannot move the finished report into place")
    }

    /// Swaps the new report with the old one; a few passes in case another
    /// process removes or creates the target in between.
    private func replaceDirectory(_ staging: String) throws(OutputError) -> String? {
        let target = output.path
        for _ in 0..<3 {
            try output.checkTarget(force: true)
            let exists = (try? FileSystem.entryType(target)) == .directory
            guard let failure = Self.attempt({ () throws(SystemCallError) in
                try FileSystem.rename(staging, to: target, exists ? .exchange : .noReplace)
            }) else { return exists ? staging : nil }
            if failure.code == EEXIST || failure.code == ENOENT { continue }  // appeared or vanished: look again
            if Self.isUnsupported(failure) {
                return exists ? try replaceDirectoryInTwoSteps(staging) : try placeWithPlainRename(staging)
            }
            throw OutputError(failure, path: output.given, "cannot move the finished report into place")
        }
        throw OutputError(.appearedMeanwhile, path: output.given, "the output kept changing while this run tried "
                          + "to replace it (another process is writing it). Run again, or choose another --out.")
    }

    private func placeWithPlainRename(_ staging: String) throws(OutputError) -> String? {
        try placeDirectoryWithoutReplacing(staging)
        return nil
    }

    /// Without RENAME_EXCHANGE: old aside, new in, old back if that fails.
    /// Signals cannot split the two renames (the registry lock is held);
    /// only SIGKILL or power loss between them loses the old report.
    private func replaceDirectoryInTwoSteps(_ staging: String) throws(OutputError) -> String {
        let aside = (output.directory == "/" ? "/" : output.directory + "/") + StagingName.make(for: output.name)
        do {
            try FileSystem.rename(output.path, to: aside, .replace)
        } catch {
            throw OutputError(error, path: output.given, "cannot move the old report aside")
        }
        do {
            try FileSystem.rename(staging, to: output.path, .replace)
        } catch {
            try? FileSystem.rename(aside, to: output.path, .replace)
            throw OutputError(error, path: output.given, "cannot move the finished report into place")
        }
        return aside
    }

    private func removeReplaced(_ path: String) {
        do {
            try FileSystem.removeTree(path)
        } catch {
            Console.error("Warning: --out \(output.given) was replaced, but the old output, now at '\(path)', could "
                          + "not be removed (\(error.call): \(error.reason)). The next run in this directory removes "
                          + "it; or remove it by hand.\n")
        }
        StagingRegistry.withLock { $0.entries[path] = nil }
    }

    /// The call's failure, or nil when it succeeded.
    private static func attempt(_ body: () throws(SystemCallError) -> Void) -> SystemCallError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    /// renameat2 flags the kernel or file system does not support.
    private static func isUnsupported(_ error: SystemCallError) -> Bool {
        [EINVAL, ENOSYS, EOPNOTSUPP].contains(error.code)
    }
}
