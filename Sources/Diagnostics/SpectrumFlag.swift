/// Warnings attached to one batch's spectrum, in report order (RegBN's `LambdaFlag`s
/// about the step's λ follow them in batches.csv).
public enum SpectrumFlag: String, Sendable, CaseIterable, Comparable {
    /// Numerical rank < min(rows, columns).
    case rankDeficient = "rank-deficient"
    /// Condition number over the non-negligible singular values above the threshold.
    case illConditioned = "ill-conditioned"
    /// More flattened features than rows in the batch: rank ≤ batch size by construction.
    case featuresExceedBatch = "features-exceed-batch"
    /// The batch holds NaN or ±infinity; no spectrum was computed.
    case nonFinite = "non-finite"

    public static func < (a: SpectrumFlag, b: SpectrumFlag) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The floating-point precision a batch is processed in; it sets the default
/// ill-conditioning threshold.
public enum WorkingPrecision: String, Sendable {
    case float32, float64

    /// 1/√ε of the precision rounded up to a power of ten: beyond it a solve in
    /// this precision loses more than half of its significant digits.
    /// float64: 1/√2.2e-16 ≈ 6.7e7 → 1e8; float32: 1/√1.19e-7 ≈ 2.9e3 → 1e4.
    public var illConditionedThreshold: Double {
        switch self {
        case .float64: return 1e8
        case .float32: return 1e4
        }
    }
}
