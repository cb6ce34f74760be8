#if canImport(Glibc)
    import Glibc
#endif

/// What a path names, found with `stat` before anything opens it: opening a
/// FIFO blocks until a writer appears, and devices or directories are never
/// feature files, so inputs are classified without opening them.
public enum PathKind: Sendable, Equatable {
    case regular(bytes: Int)
    case missing
    case unreadable
    case directory
    case fifo
    case characterDevice
    case blockDevice
    case socket
    case other

    public static func of(_ path: String) -> PathKind {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return errno == EACCES ? .unreadable : .missing
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return access(path, R_OK) == 0 ? .regular(bytes: Int(status.st_size)) : .unreadable
        case S_IFDIR: return .directory
        case S_IFIFO: return .fifo
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFSOCK: return .socket
        default: return .other
        }
    }

    /// For anything but a readable regular file: what is wrong and what to
    /// do, worded for a feature file. nil for a regular readable file.
    public var problem: (message: String, fix: String)? {
        switch self {
        case .regular: nil
        case .missing: ("no such file", "Check the path (relative paths start in the current directory)")
        case .unreadable: ("the file is not readable", "Check its permissions (chmod u+r)")
        case .directory: ("this is a directory, not a file", "Pass the file inside it")
        case .fifo:
            ("this is a FIFO (named pipe), not a regular file; it is not opened, since reading it would wait for a writer",
             "Save the features to a regular file first")
        case .characterDevice, .blockDevice:
            ("this is a device, not a regular file", "Pass a regular file holding the features")
        case .socket: ("this is a socket, not a regular file", "Pass a regular file holding the features")
        case .other: ("this is not a regular file", "Pass a regular file holding the features")
        }
    }
}
