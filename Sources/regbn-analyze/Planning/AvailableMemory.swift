import Foundation
import HDF5IO

/// How much memory a run may use on this machine, and where that figure comes
/// from (a refusal must say which limit it hit).
///
/// In order: the `REGBN_MEMORY_LIMIT` environment variable when set (so tests
/// and users can plan for another machine or a share of this one), else the
/// smaller of the kernel's `MemAvailable` (free memory plus what the page
/// cache can give back) and the free part of the process's cgroup limit (a
/// container sees the host's `MemAvailable`, but is killed at its own limit),
/// else the physical memory from `sysconf`.
struct AvailableMemory: Sendable, Equatable {
    let bytes: Int
    /// "MemAvailable in /proc/meminfo", "REGBN_MEMORY_LIMIT", …
    let source: String

    static let overrideVariable = "REGBN_MEMORY_LIMIT"

    /// What this process may use now.
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(MemoryLimitError) -> AvailableMemory {
        if let text = environment[overrideVariable] {
            guard let bytes = parseByteCount(text) else { throw MemoryLimitError(text: text) }
            return AvailableMemory(bytes: bytes, source: overrideVariable)
        }
        var candidates: [AvailableMemory] = []
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let bytes = memAvailable(inMeminfo: meminfo) {
            candidates.append(AvailableMemory(bytes: bytes, source: "MemAvailable in /proc/meminfo"))
        }
        if let cgroup = cgroupHeadroom() { candidates.append(cgroup) }
        return candidates.min { $0.bytes < $1.bytes }
            ?? AvailableMemory(bytes: CheckedSize.physicalMemory, source: "physical memory (sysconf)")
    }

    /// `MemAvailable:  24192620 kB` → bytes; nil when the line is missing
    /// (kernels before 3.14) or malformed.
    static func memAvailable(inMeminfo text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 3, fields[2] == "kB", let kilobytes = Int(fields[1]) else { return nil }
            return CheckedSize.bytes(kilobytes, elementSize: 1024)
        }
        return nil
    }

    /// A byte count with an optional decimal suffix, as `describe` prints them:
    /// `8000000000`, `8G`, `8GB`, `512M`, `1.5T`. Nil for anything else.
    static func parseByteCount(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Double)] = [
            ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let unit = units.first { trimmed.hasSuffix($0.suffix) }
        let number = unit.map { String(trimmed.dropLast($0.suffix.count)) } ?? trimmed
        if unit == nil { return Int(number).flatMap { $0 >= 0 ? $0 : nil } }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let bytes = (value * (unit?.factor ?? 1)).rounded()
        return bytes < 9.2e18 ? Int(bytes) : nil
    }

    /// The cgroup's limit minus what the group already uses (v2 `memory.max`
    /// and `memory.current`, or v1 `memory.limit_in_bytes` and
    /// `memory.usage_in_bytes`); nil without a finite limit.
    private static func cgroupHeadroom() -> AvailableMemory? {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = String(fields[2])
            let (directory, limitFile, usageFile): (String, String, String)
            if fields[0] == "0" && fields[1].isEmpty {
                (directory, limitFile, usageFile) = ("/sys/fs/cgroup" + path, "memory.max", "memory.current")
            } else if fields[1].split(separator: ",").contains("memory") {
                (directory, limitFile, usageFile) = ("/sys/fs/cgroup/memory" + path, "memory.limit_in_bytes",
                                                     "memory.usage_in_bytes")
            } else {
                continue
            }
            func number(_ file: String) -> Int? {
                (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8))
                    .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            // "max" (v2) or a huge page-rounded value (v1) means no limit.
            guard let limit = number(limitFile), limit < CheckedSize.physicalMemory else { continue }
            return AvailableMemory(bytes: max(0, limit - (number(usageFile) ?? 0)),
                                   source: "the free part of this cgroup's limit (\(directory)/\(limitFile))")
        }
        return nil
    }
}

/// `REGBN_MEMORY_LIMIT` holds something that is not a byte count.
struct MemoryLimitError: Error, CustomStringConvertible, ExitStatusProviding {
    let text: String

    var exitStatus: ExitStatus { .usage }
    var description: String {
        "the environment variable \(AvailableMemory.overrideVariable)='\(text)' is not a byte count; set it to a "
            + "number of bytes such as 8000000000 or 8G, or unset it to use this machine's available memory."
    }
}
