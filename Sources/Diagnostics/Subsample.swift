import Linalg

/// The rows an exact n×n computation actually used: all of them, or an evenly
/// strided, deterministic subsample `⌊k·n/m⌋`, k = 0…m−1, when n exceeds the cap.
public struct Subsample: Sendable, Equatable {
    /// Rows in the input.
    public let total: Int
    /// Row indices used, ascending.
    public let indices: [Int]
    /// The cap that was applied.
    public let maxSamples: Int

    public var used: Int { indices.count }
    public var isComplete: Bool { indices.count == total }

    /// Evenly strided rows: `⌊k·total/m⌋` with m = min(total, maxSamples).
    public init(total: Int, maxSamples: Int) {
        let m = min(total, max(0, maxSamples))
        self.total = total
        self.maxSamples = maxSamples
        // Integer arithmetic keeps the indices exact for any n (no floating rounding).
        self.indices = (0..<m).map { $0 * total / m }
    }

    /// The selected rows of `m` (the matrix itself when nothing is dropped).
    public func apply(_ m: Matrix<Double>) -> Matrix<Double> {
        isComplete ? m : m.selectingRows(indices)
    }
}
