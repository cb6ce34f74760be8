import Linalg
import SeededRandom

/// How the rows of a subsample are chosen when n exceeds the cap m.
public enum SubsampleMethod: Sendable, Equatable, CustomStringConvertible {
    /// m distinct rows drawn uniformly without replacement by `SplitMix64(seed:)`
    /// (Floyd's algorithm), sorted. Independent of the row order, so periodic or
    /// sorted dumps cannot alias with it. The default.
    case random(seed: UInt64)
    /// Rows ⌊k·n/m⌋, k = 0…m−1: needs no seed and reproduces the fixtures'
    /// (SPEC's) deterministic rule, e.g. to recompute a reference value that was
    /// made with it. It aliases with periodic row orders: rows in period 3 with
    /// n/m a multiple of 3 all come from one phase (dcor's n = 30000 test).
    case strided

    public static let `default` = SubsampleMethod.random(seed: 0)

    public var description: String {
        switch self {
        case .random(let seed): return "random (seed \(seed))"
        case .strided: return "strided floor(k*n/m)"
        }
    }
}

/// The rows an exact n×n computation actually used: all of them, or m = maxSamples
/// of them chosen by `method` when n exceeds the cap.
public struct Subsample: Sendable, Equatable {
    /// Rows in the input.
    public let total: Int
    /// Row indices used, ascending.
    public let indices: [Int]
    /// The cap that was applied.
    public let maxSamples: Int
    public let method: SubsampleMethod

    public var used: Int { indices.count }
    public var isComplete: Bool { indices.count == total }

    /// m = min(total, maxSamples) rows chosen by `method` (all rows when m = total).
    public init(total: Int, maxSamples: Int, method: SubsampleMethod = .default) {
        let m = min(max(0, total), max(0, maxSamples))
        self.total = total
        self.maxSamples = maxSamples
        self.method = method
        if m == total {
            indices = Array(0..<max(0, total))
            return
        }
        switch method {
        case .random(let seed):
            var generator = SplitMix64(seed: seed)
            indices = generator.sampleWithoutReplacement(m, from: total)
        case .strided:
            // Integer arithmetic keeps the indices exact for any n (no floating rounding).
            indices = (0..<m).map { $0 * total / m }
        }
    }

    /// The selected rows of `m` (the matrix itself when nothing is dropped).
    public func apply(_ m: Matrix<Double>) -> Matrix<Double> {
        isComplete ? m : m.selectingRows(indices)
    }

    /// The selected rows of an operand.
    public func apply(_ operand: Operand) -> Operand {
        isComplete ? operand : operand.selectingRows(indices)
    }

    /// The selected samples' labels.
    public func apply(_ labels: CategoricalLabels) -> CategoricalLabels {
        isComplete ? labels : labels.selecting(indices)
    }
}
