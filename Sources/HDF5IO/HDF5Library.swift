import CHDF5
import Foundation

/// The one lock that serialises every HDF5 call (h5py's `phil`).
///
/// libhdf5 is not reentrant: non-threadsafe builds crash under concurrent
/// calls and threadsafe builds take a global lock anyway, so nothing is lost
/// by serialising. The lock is recursive because handle `deinit`s close ids
/// while an outer operation may already hold it.
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    /// Runs `body` holding the HDF5 lock, with HDF5's stderr printing turned off.
    ///
    /// Automatic error printing is a property of the calling thread's error
    /// stack in threadsafe builds, so it is switched off on every entry rather
    /// than once per process: errors reach the user through `HDF5Error` only.
    static func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        _ = chdf5_silence_errors()
        return try body()
    }
}

/// Facts about the linked HDF5 library, for `--version` output and reports.
public enum HDF5Build {
    /// "major.minor.release" of the libhdf5 this process runs with.
    public static var version: String {
        HDF5Library.locked {
            var major: UInt32 = 0
            var minor: UInt32 = 0
            var release: UInt32 = 0
            guard H5get_libversion(&major, &minor, &release) >= 0 else { return "unknown" }
            return "\(major).\(minor).\(release)"
        }
    }
}
