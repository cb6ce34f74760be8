import Linalg

/// How the Gaussian kernel width σ of one operand is chosen.
public enum Bandwidth: Sendable, Equatable {
    /// Median pairwise Euclidean distance of an evenly strided subsample of at
    /// most 1000 rows (see `MedianHeuristic`).
    case medianHeuristic
    /// A given σ > 0.
    case fixed(Double)
}

/// The σ actually used, with what the median heuristic looked at.
public struct BandwidthChoice: Sendable, Equatable {
    public let sigma: Double
    public let method: Bandwidth
    /// Rows of the median heuristic's subsample (0 for a fixed σ).
    public let rowsUsed: Int
    /// Pairs i < j whose distances entered the median (0 for a fixed σ).
    public let pairsUsed: Int
}

/// Median heuristic exactly as the fixtures define it:
/// m = min(n, 1000) rows at indices ⌊k·n/m⌋, k = 0…m−1, and
/// ```
/// σ = median{ ‖xᵢ − xⱼ‖ : i < j among those rows }
/// ```
/// with numpy's median (mean of the two middle values for an even count; zero
/// distances kept). Not Gretton's MATLAB heuristic (√(0.5·median d²) over the
/// first 100 rows, positive distances only).
public struct MedianHeuristic: Sendable {
    public static let defaultMaxRows = 1000
    public let maxRows: Int
    public let threads: Int

    public init(maxRows: Int = MedianHeuristic.defaultMaxRows, threads: Int = defaultThreadCount) {
        self.maxRows = maxRows
        self.threads = threads
    }

    /// - Throws: `DiagnosticsError.degenerateBandwidth` when the median is 0.
    public func choose(_ x: Matrix<Double>, operand: String = "x",
                       workspace: KernelWorkspace = KernelWorkspace()) throws -> BandwidthChoice {
        try InputValidation.check(x, operand: operand, statistic: "the median heuristic", minimumSamples: 2)
        let rows = Subsample(total: x.rows, maxSamples: maxRows).apply(x)
        _ = buildSymmetricKernel(rows, kind: .squaredDistance, into: &workspace.second, threads: threads)
        return try Self.choice(fromSquaredDistances: workspace.second, n: rows.rows, operand: operand)
    }

    /// The median of √d² over the strict upper triangle of an n×n buffer of
    /// squared distances. √ is monotone and correctly rounded, so selecting on d²
    /// and taking roots of the middle values equals the median of the distances.
    static func choice(fromSquaredDistances buffer: [Double], n: Int, operand: String) throws -> BandwidthChoice {
        var squared: [Double] = []
        squared.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            squared.append(contentsOf: buffer[(i * n + i + 1)..<((i + 1) * n)])
        }
        let (lower, upper) = middleValues(&squared)
        let median = (lower.squareRoot() + upper.squareRoot()) / 2
        guard median > 0 else { throw DiagnosticsError.degenerateBandwidth(operand: operand, rowsUsed: n) }
        return BandwidthChoice(sigma: median, method: .medianHeuristic, rowsUsed: n, pairsUsed: squared.count)
    }
}

extension Bandwidth {
    func resolve(_ x: Matrix<Double>, operand: String, threads: Int,
                 workspace: KernelWorkspace) throws -> BandwidthChoice {
        switch self {
        case .medianHeuristic:
            return try MedianHeuristic(threads: threads).choose(x, operand: operand, workspace: workspace)
        case .fixed(let sigma):
            guard sigma > 0, sigma.isFinite else {
                throw DiagnosticsError.invalidSetting(name: "sigma for \(operand)", value: "\(sigma)",
                                                      requirement: "must be a finite number > 0")
            }
            return BandwidthChoice(sigma: sigma, method: self, rowsUsed: 0, pairsUsed: 0)
        }
    }
}
