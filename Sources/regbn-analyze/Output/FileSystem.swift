import CPosix
import Foundation

/// A failed system call on a path: the errno says whether the user or the
/// system is to blame, so callers turn it into the right `OutputError`.
struct SystemCallError: Error, Sendable {
    let call: String
    let path: String
    let code: Int32

    var reason: String { String(cString: strerror(code)) }
}

/// The thin POSIX layer under the output staging: each call returns a Swift
/// value or throws `SystemCallError` with its errno, and retries on EINTR.
enum FileSystem {
    enum EntryType: Equatable { case missing, regularFile, directory, other }

    /// What is at `path`; a symbolic link counts as what it points to (a
    /// dangling link as `.other`), since that is what a write would reach.
    static func entryType(_ path: String) throws(SystemCallError) -> EntryType {
        var info = stat()
        if lstat(path, &info) != 0 {
            let code = errno
            if code == ENOENT { return .missing }
            throw SystemCallError(call: "lstat", path: path, code: code)
        }
        if info.st_mode & S_IFMT == S_IFLNK, stat(path, &info) != 0 { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    static func makeDirectory(_ path: String) throws(SystemCallError) {
        try retrying("mkdir", path) { mkdir(path, 0o777) }
    }

    /// Creates a new file exclusively (never through a symbolic link) and
    /// opens it for locking and syncing.
    static func createFile(_ path: String) throws(SystemCallError) -> Int32 {
        try retrying("open", path) { Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o666) }
    }

    /// Opens a directory for locking and syncing. `followingLinks` is false
    /// for the tool's own staging directories, true for the user's parent.
    static func openDirectory(_ path: String, followingLinks: Bool) throws(SystemCallError) -> Int32 {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW)
        return try retrying("open", path) { Glibc.open(path, flags) }
    }

    /// Opens an existing entry of any type without blocking (it may be a FIFO
    /// someone left under a staging-like name) and without following links.
    static func openExisting(_ path: String) throws(SystemCallError) -> Int32 {
        try retrying("open", path) { Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW) }
    }

    /// An exclusive `flock`, which lasts while this open file description
    /// exists (other descriptors of the same file may open and close freely,
    /// unlike POSIX record locks). Returns false when another holds it.
    static func tryLock(_ descriptor: Int32, path: String) throws(SystemCallError) -> Bool {
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK { return false }
            throw SystemCallError(call: "flock", path: path, code: code)
        }
        return true
    }

    static func sync(_ descriptor: Int32, path: String) throws(SystemCallError) {
        try retrying("fsync", path) { fsync(descriptor) }
    }

    /// Syncs a directory's entries (a rename is durable only after this).
    static func syncDirectory(_ path: String) throws(SystemCallError) {
        let descriptor = try openDirectory(path, followingLinks: true)
        defer { close(descriptor) }
        try sync(descriptor, path: path)
    }

    /// Writes `contents` as the file at `path` (created or truncated, never
    /// through a symbolic link) and syncs it, so that a rename of its
    /// directory publishes data that is on disk.
    static func writeFile(_ path: String, contents: Data) throws(SystemCallError) {
        let descriptor = try retrying("open", path) {
            Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o666)
        }
        var isOpen = true
        defer { if isOpen { close(descriptor) } }
        let failure: Int32 = contents.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if failure != 0 { throw SystemCallError(call: "write", path: path, code: failure) }
        try sync(descriptor, path: path)
        isOpen = false
        // close(2) can report a deferred write error (NFS); EINTR still closes.
        if close(descriptor) != 0 && errno != EINTR { throw SystemCallError(call: "close", path: path, code: errno) }
    }

    enum RenameMode { case replace, noReplace, exchange }

    /// Makes renameat2 fail with EINVAL, as on file systems without it, so
    /// tests reach the fallbacks (a task-local: parallel tests are unaffected).
    @TaskLocal static var renameat2IsUnsupported = false

    /// rename(2) or renameat2(2). `noReplace` and `exchange` throw EINVAL or
    /// ENOSYS where the file system or kernel does not support them.
    static func rename(_ from: String, to: String, _ mode: RenameMode) throws(SystemCallError) {
        if mode != .replace && renameat2IsUnsupported {
            throw SystemCallError(call: "renameat2", path: to, code: EINVAL)
        }
        switch mode {
        case .replace:
            try retrying("rename", to) { Glibc.rename(from, to) }
        case .noReplace:
            try retrying("renameat2", to) { cposix_renameat2(AT_FDCWD, from, AT_FDCWD, to, cposix_rename_noreplace()) }
        case .exchange:
            try retrying("renameat2", to) { cposix_renameat2(AT_FDCWD, from, AT_FDCWD, to, cposix_rename_exchange()) }
        }
    }

    /// A new name for an existing file; fails with EEXIST rather than replace.
    static func link(_ from: String, to: String) throws(SystemCallError) {
        try retrying("link", to) { Glibc.link(from, to) }
    }

    /// Removes a file, or a directory with everything in it; a missing entry
    /// is fine. A directory is retried because a thread still writing into it
    /// can add an entry between the emptying and the rmdir.
    static func removeTree(_ path: String) throws(SystemCallError) {
        for _ in 0..<10 {
            switch try entryTypeWithoutFollowing(path) {
            case .missing: return
            case .directory:
                let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                for child in children { try removeTree(path + "/" + child) }
                if rmdir(path) == 0 { return }
                let code = errno
                if code == ENOENT { return }
                if code != ENOTEMPTY && code != EEXIST && code != EINTR {
                    throw SystemCallError(call: "rmdir", path: path, code: code)
                }
            default:
                if unlink(path) == 0 || errno == ENOENT { return }
                throw SystemCallError(call: "unlink", path: path, code: errno)
            }
        }
        throw SystemCallError(call: "rmdir", path: path, code: ENOTEMPTY)
    }

    /// Whether process `pid` exists (EPERM: it exists but is someone else's).
    static func processIsRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    // MARK: - Helpers

    /// Like `entryType`, but a symbolic link is `.other`: removal deletes the
    /// link, never what it points to.
    private static func entryTypeWithoutFollowing(_ path: String) throws(SystemCallError) -> EntryType {
        var info = stat()
        if lstat(path, &info) != 0 {
            let code = errno
            if code == ENOENT { return .missing }
            throw SystemCallError(call: "lstat", path: path, code: code)
        }
        return info.st_mode & S_IFMT == S_IFDIR ? .directory : .other
    }

    @discardableResult
    private static func retrying(
        _ call: String, _ path: String, _ body: () -> Int32
    ) throws(SystemCallError) -> Int32 {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code != EINTR { throw SystemCallError(call: call, path: path, code: code) }
        }
    }
}
