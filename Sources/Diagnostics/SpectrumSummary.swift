import Foundation

/// Summary of the singular values s₁ ≥ … ≥ s_k of one rows×columns batch:
/// ```
/// tol              = max(rows, columns)·ε₆₄·s_max          (numpy.linalg.matrix_rank)
/// numerical rank   = #{sᵢ > tol}
/// condition number = s_max / min{sᵢ > tol}
/// effective rank   = exp(−Σ pᵢ ln pᵢ),  pᵢ = sᵢ/Σs,  0·ln 0 = 0   (Roy & Vetterli 2007)
/// (every ratio is formed from sᵢ/s_max, so spectra of any magnitude summarise alike)
/// stable rank      = Σ sᵢ² / s_max²
/// energy(k)        = Σ_{i≤k} sᵢ² / Σ sᵢ²
/// ```
/// Use `init(singularValues:…)` for values computed elsewhere (e.g. RegBN's
/// normalised-g spectra, handed over per training step).
public struct SpectrumSummary: Sendable, Equatable {
    /// Fraction of the energy Σs² that `componentsForEnergy` must reach.
    public static let energyFraction = 0.9

    public let rows: Int
    public let columns: Int
    /// Descending; empty for a non-finite batch.
    public let singularValues: [Double]
    public let tolerance: Double
    public let numericalRank: Int
    public let conditionNumber: Double
    public let effectiveRank: Double
    public let stableRank: Double
    /// Smallest k with energy(k) ≥ 0.9.
    public let componentsForEnergy: Int
    /// Spectral flags (rank-deficient, ill-conditioned, features-exceed-batch, non-finite), sorted.
    public let flags: [SpectrumFlag]

    /// sᵢ / s_max.
    public var normalized: [Double] {
        let top = singularValues.first ?? 0
        return singularValues.map { top > 0 ? $0 / top : .nan }
    }

    /// energy(i) for i = 1…k.
    public var cumulativeEnergy: [Double] {
        let relative = normalized
        let total = relative.reduce(0) { $0 + $1 * $1 }
        var running = 0.0
        return relative.map { r in
            running += r * r
            return total > 0 ? running / total : .nan
        }
    }

    /// - Parameters: `singularValues` of a `rows × columns` matrix, any order;
    ///   `illConditionedThreshold` per `WorkingPrecision`.
    public init(singularValues values: [Double], rows: Int, columns: Int,
                illConditionedThreshold: Double = WorkingPrecision.float64.illConditionedThreshold) {
        self.rows = rows
        self.columns = columns
        var flags: [SpectrumFlag] = columns > rows ? [.featuresExceedBatch] : []
        guard values.allSatisfy(\.isFinite) else {
            singularValues = []
            tolerance = .nan
            numericalRank = 0
            conditionNumber = .nan
            effectiveRank = .nan
            stableRank = .nan
            componentsForEnergy = 0
            self.flags = (flags + [.nonFinite]).sorted()
            return
        }
        let s = values.sorted(by: >)
        singularValues = s
        let top = s.first ?? 0
        let tol = Double(max(rows, columns)) * Double.ulpOfOne * top
        let significant = s.filter { $0 > tol }
        tolerance = tol
        numericalRank = significant.count
        conditionNumber = significant.last.map { top / $0 } ?? .nan
        // Ratios to s_max: no sum or square of the values themselves can leave the float range.
        let relative = s.map { top > 0 ? $0 / top : 0 }
        let sum = relative.reduce(0, +)
        effectiveRank = sum > 0 ? exp(-relative.reduce(0) { acc, v in
            let p = v / sum
            return p > 0 ? acc + p * log(p) : acc
        }) : 0
        let energy = relative.reduce(0) { $0 + $1 * $1 }
        stableRank = top > 0 ? energy : 0
        var running = 0.0, k = 0
        if energy > 0 {
            for v in relative {
                running += v * v
                k += 1
                if running >= Self.energyFraction * energy { break }
            }
        }
        componentsForEnergy = k
        if significant.count < min(rows, columns) { flags.append(.rankDeficient) }
        if conditionNumber > illConditionedThreshold { flags.append(.illConditioned) }
        self.flags = flags.sorted()
    }
}
