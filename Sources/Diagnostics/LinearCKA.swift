import Linalg

/// HSIC and CKA with linear kernels K = XXᵀ, L = YYᵀ, computed in feature space
/// without any n×n matrix. With Xc, Yc the column-centred data (HX, HY):
/// ```
/// HSIC_b = tr(HKH·HLH)/n² = ‖XcᵀYc‖²_F / n²
/// CKA    = ‖XcᵀYc‖²_F / (‖XcᵀXc‖_F · ‖YcᵀYc‖_F)        (Kornblith et al. 2019)
/// ```
/// Properties: CKA ∈ [0, 1], 1 for y = x·(orthogonal)·c + b; invariant under joint
/// row permutations.
/// - Complexity: n·(pq + p² + q²) flops, O(pq + p² + q²) memory.
public struct LinearCKA: Sendable {
    public init() {}

    public func callAsFunction(_ x: Matrix<Double>, _ y: Matrix<Double>) throws -> LinearCKAResult {
        try InputValidation.checkPair(x, y, statistic: "linear CKA", minimumSamples: 2)
        let xc = columnCentred(x), yc = columnCentred(y)
        let n2 = Double(x.rows * x.rows)
        let cross = squaredFrobenius(matmul(xc, yc, transposeA: true))
        let xx = squaredFrobenius(matmul(xc, xc, transposeA: true))
        let yy = squaredFrobenius(matmul(yc, yc, transposeA: true))
        return LinearCKAResult(n: x.rows, hsicBiased: cross / n2, hsicBiasedXX: xx / n2, hsicBiasedYY: yy / n2)
    }

    private func squaredFrobenius(_ m: Matrix<Double>) -> Double {
        m.storage.reduce(0) { $0 + $1 * $1 }
    }
}

public struct LinearCKAResult: Sendable, Equatable {
    public let n: Int
    public let hsicBiased: Double
    public let hsicBiasedXX: Double
    public let hsicBiasedYY: Double
    /// NaN when x or y has no variance.
    public var cka: Double { hsicBiased / (hsicBiasedXX * hsicBiasedYY).squareRoot() }
}
