import Dispatch
import Foundation
import SeededRandom
import Synchronization

/// The hidden name an output has while it is written, in the directory of its
/// final name (so that the commit is a rename within one file system):
///
/// ```
/// .<final name, truncated>.regbn-staging-<pid>-<16 hex digits>
/// ```
///
/// The PID says whose it is, so that the next run can tell a stale entry (its
/// process no longer runs) from one still being written; the hex token keeps
/// names unique within and across runs. The final name is truncated so the
/// whole stays within NAME_MAX (255 bytes) whatever the `--out` name: it is
/// only there to make the entry recognisable.
enum StagingName {
    static let marker = ".regbn-staging-"
    static let maximumBytes = 255

    /// 1 (leading dot) + marker + up to 10 PID digits + "-" + 16 hex digits.
    private static let overheadBytes = 1 + marker.utf8.count + 10 + 1 + 16

    /// A fresh staging name for `finalName`, owned by `pid`.
    static func make(for finalName: String, pid: Int32 = getpid()) -> String {
        let token = String(tokens.withLock { $0.next() }, radix: 16)
        let padded = String(repeating: "0", count: 16 - token.count) + token
        return "." + truncated(finalName, toBytes: maximumBytes - overheadBytes) + marker + "\(pid)-" + padded
    }

    /// The PID in a staging name, or nil when `name` is not one.
    static func owner(of name: String) -> Int32? {
        guard name.hasPrefix("."), let range = name.range(of: marker, options: .backwards) else { return nil }
        let fields = name[range.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 2, let pid = Int32(fields[0]), pid > 0,
              fields[1].count == 16, UInt64(fields[1], radix: 16) != nil else { return nil }
        return pid
    }

    /// The longest prefix of `name` within `limit` UTF-8 bytes that ends on a
    /// character boundary.
    static func truncated(_ name: String, toBytes limit: Int) -> String {
        guard name.utf8.count > limit else { return name }
        var result = ""
        var bytes = 0
        for character in name {
            let size = character.utf8.count
            guard bytes + size <= limit else { break }
            result.append(character)
            bytes += size
        }
        return result
    }

    /// Tokens need only differ between entries, not be unpredictable: the PID
    /// and the clock seed them, SplitMix64 spreads consecutive ones apart.
    private static let tokens = Mutex(SplitMix64(
        seed: UInt64(UInt32(bitPattern: getpid())) << 32 ^ DispatchTime.now().uptimeNanoseconds))
}
