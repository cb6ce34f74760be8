/// One buffer (or family of buffers) a rank holds at its peak, and where its size
/// comes from: the per-rank memory models of RegBN (`RegBNMemoryModel`) and of the
/// kernel statistics (`KernelMemoryModel`) list these, and a command's memory plan
/// turns them into its refusal message or its `--dry-run` table.
public struct MemoryItem: Sendable, Equatable {
    /// What it is, e.g. "running W (this rank's columns)".
    public let name: String
    /// How the size follows from the shapes, e.g. "50176 × 12544 float32".
    public let size: String
    /// nil when the size does not fit in 64 bits (an absurd shape).
    public let bytes: Int?

    public init(_ name: String, size: String, bytes: Int?) {
        self.name = name
        self.size = size
        self.bytes = bytes
    }
}

/// Sizes computed without trapping: nil as soon as a product or sum leaves `Int`.
public enum CheckedSize {
    /// The product of `factors` (1 for none), nil on overflow or a negative factor.
    public static func product(_ factors: Int...) -> Int? { product(factors) }

    public static func product(_ factors: [Int]) -> Int? {
        var total = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (next, overflow) = total.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            total = next
        }
        return total
    }

    /// The sum of `terms`, nil when one is nil or the sum overflows.
    public static func sum(_ terms: [Int?]) -> Int? {
        var total = 0
        for term in terms {
            guard let term else { return nil }
            let (next, overflow) = total.addingReportingOverflow(term)
            if overflow { return nil }
            total = next
        }
        return total
    }

    /// Σ bytes of `items`, nil when any is unknown or the sum overflows.
    public static func total(_ items: [MemoryItem]) -> Int? { sum(items.map(\.bytes)) }
}

/// The fewest ranks, from 1 to `maximumRanks`, at which `bytesPerRank(ranks)` is at
/// most `limit`; nil when even `maximumRanks` do not fit. Beyond one rank,
/// `bytesPerRank` must not grow with the rank count (memory that splits plus memory
/// every rank holds); one rank may need less than two (it gathers nothing).
public func ranksNeeded(toFitIn limit: Int, maximumRanks: Int, bytesPerRank: (Int) -> Int?) -> Int? {
    func fits(_ ranks: Int) -> Bool { bytesPerRank(ranks).map { $0 <= limit } ?? false }
    guard maximumRanks >= 1 else { return nil }
    if fits(1) { return 1 }
    guard maximumRanks >= 2, fits(maximumRanks) else { return nil }
    var (low, high) = (2, maximumRanks)   // high always fits
    while low < high {
        let middle = low + (high - low) / 2
        if fits(middle) { high = middle } else { low = middle + 1 }
    }
    return high
}
