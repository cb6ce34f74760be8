#if canImport(Glibc)
    import Glibc
#endif

/// Sizes computed from shapes a file declares. A damaged or hostile header
/// can declare any extent, so every product is checked: an overflow or a
/// size beyond what this machine can hold is an error naming the shape,
/// never a trap or a multi-terabyte allocation attempt.
public enum CheckedSize {
    /// ∏ shape, or nil when it overflows `Int` or an extent is negative.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// `count × elementSize`, or nil on overflow.
    public static func bytes(_ count: Int, elementSize: Int) -> Int? {
        let (product, overflow) = count.multipliedReportingOverflow(by: elementSize)
        return overflow || product < 0 ? nil : product
    }

    /// Physical memory of this machine in bytes (`sysconf`); a buffer larger
    /// than this can never be allocated, whatever else is running.
    public static var physicalMemory: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return Int.max }
        return pages.multipliedReportingOverflow(by: pageSize).overflow ? Int.max : pages * pageSize
    }

    /// "4.0 GB", "512 MB", "3 KB": decimal units, as `df -H` prints them.
    public static func describe(bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? (bytes == 1 ? "1 byte" : "\(bytes) bytes") : String(format: "%.1f %@", value, units[unit])
    }
}
