/// How fragile one batch's λ is: the official (L-BFGS) search's λ beside the
/// exact root of the same objective. The official search is chaotic (fixtures
/// README, "Reproducibility"), so a large gap marks numbers that a one-ulp
/// change of the input could move.
/// ```
/// gap = |λ_official − λ_root| / |λ_root|      (0 when both are 0, ∞ when only λ_root is)
/// ```
public struct LambdaStability: Sendable, Equatable {
    /// Gaps above 5 % are flagged `lambda-unstable`.
    public static let defaultGapThreshold = 0.05

    /// The official search's λ; NaN when it fell back.
    public let official: Double
    /// The exact root, when the caller computed one.
    public let root: Double?
    public let fallback: Bool
    public let gapThreshold: Double

    public init(official: Double, root: Double?, fallback: Bool,
                gapThreshold: Double = LambdaStability.defaultGapThreshold) {
        self.official = official
        self.root = root
        self.fallback = fallback
        self.gapThreshold = gapThreshold
    }

    /// NaN without a root or after a fallback.
    public var relativeGap: Double {
        guard let root, !fallback, official.isFinite, root.isFinite else { return .nan }
        if official == root { return 0 }
        return root == 0 ? .infinity : abs(official - root) / abs(root)
    }

    public var flags: [LambdaFlag] {
        var flags: [LambdaFlag] = []
        if fallback { flags.append(.lambdaFallback) }
        if relativeGap > gapThreshold { flags.append(.lambdaUnstable) }
        return flags
    }
}

/// Warnings about one training step's λ, in report order (batches.csv `flags`, after
/// the spectrum's own flags).
public enum LambdaFlag: String, Sendable, CaseIterable {
    /// The λ search failed and the λ = 0 pseudo-inverse was used.
    case lambdaFallback = "lambda-fallback"
    /// The official λ and the exact root of the same objective differ by more than the threshold.
    case lambdaUnstable = "lambda-unstable"
}
