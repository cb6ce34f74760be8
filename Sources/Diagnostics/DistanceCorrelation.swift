import Linalg

/// Distance covariance and correlation (Székely, Rizzo & Bakirov 2007) with the
/// conventions of the `dcor` 0.7 package (exponent 1). With aᵢⱼ = ‖xᵢ − xⱼ‖,
/// bᵢⱼ = ‖yᵢ − yⱼ‖ and A, B their double-centred (V) or U-centred forms:
/// ```
/// dCov²ₙ = Σ A∘B / n²,   dCor² = dCov²ₙ(x, y) / √(dCov²ₙ(x, x)·dCov²ₙ(y, y))
/// dCor²ᵤ = (Ã·B̃) / √|(Ã·Ã)(B̃·B̃)|,   (Ã·B̃) = Σ_{i≠j} ÃᵢⱼB̃ᵢⱼ / (n(n−3))
/// ```
/// (bias-corrected, Székely & Rizzo 2013/2014; can be negative). A ratio with a
/// zero denominator is 0, as in `dcor`.
///
/// The permutation test uses dcor's statistic n·dCov²ₙ and counts permuted
/// values strictly greater than the observed one.
/// - Complexity: n²(p + q) flops, 2n² doubles in the workspace, R·n² more for a
///   permutation test.
public struct DistanceCorrelation: Sendable {
    public var maxSamples: Int
    public var permutation: PermutationSettings?
    public var threads: Int

    public init(maxSamples: Int = 5000, permutation: PermutationSettings? = nil,
                threads: Int = defaultThreadCount) {
        self.maxSamples = maxSamples
        self.permutation = permutation
        self.threads = threads
    }

    /// The bias-corrected estimator divides by n − 3.
    public static let minimumSamples = 4

    public func callAsFunction(_ x: Matrix<Double>, _ y: Matrix<Double>,
                               workspace: KernelWorkspace = KernelWorkspace()) throws -> DistanceCorrelationResult {
        let subsample = try InputValidation.kernelSubsample(
            x, y, statistic: "distance correlation", name: "distance correlation",
            minimumSamples: Self.minimumSamples, maxSamples: maxSamples, threads: threads, permutation: permutation)
        let a = buildSymmetricKernel(subsample.apply(x), kind: .distance, into: &workspace.first, threads: threads)
        let b = buildSymmetricKernel(subsample.apply(y), kind: .distance, into: &workspace.second, threads: threads)
        let sums = centredProducts(a, &workspace.first, b, &workspace.second, threads: threads)
        let n = Double(subsample.used)

        var permutationResult: PermutationResult?
        if let permutation {
            preparePermutationBuffers(a, &workspace.first, b, &workspace.second, threads: threads)
            permutationResult = permutationTest(&workspace.first, &workspace.second, n: a.n,
                                                settings: permutation, rule: .strictlyGreater,
                                                scale: 1 / n, threads: threads)
        }
        return DistanceCorrelationResult(
            n: subsample.used, subsample: subsample,
            covarianceSquared: sums.vKL / (n * n),
            varianceSquaredX: sums.vKK / (n * n), varianceSquaredY: sums.vLL / (n * n),
            uCovarianceSquared: sums.uKL / (n * (n - 3)),
            uVarianceSquaredX: sums.uKK / (n * (n - 3)), uVarianceSquaredY: sums.uLL / (n * (n - 3)),
            permutation: permutationResult)
    }
}

public struct DistanceCorrelationResult: Sendable, Equatable {
    public let n: Int
    public let subsample: Subsample
    /// dCov²ₙ(x, y), dCov²ₙ(x, x), dCov²ₙ(y, y) (V-statistics).
    public let covarianceSquared: Double, varianceSquaredX: Double, varianceSquaredY: Double
    /// The unbiased (U-centred) counterparts.
    public let uCovarianceSquared: Double, uVarianceSquaredX: Double, uVarianceSquaredY: Double
    /// Statistic n·dCov²ₙ, strict exceedances (dcor's convention), when requested.
    public let permutation: PermutationResult?

    /// `dcor.distance_covariance`: √dCov²ₙ.
    public var distanceCovariance: Double { max(0, covarianceSquared).squareRoot() }
    /// `dcor.distance_correlation_sqr`.
    public var distanceCorrelationSquared: Double {
        ratio(covarianceSquared, varianceSquaredX, varianceSquaredY)
    }
    /// `dcor.distance_correlation`, in [0, 1].
    public var distanceCorrelation: Double { max(0, distanceCorrelationSquared).squareRoot() }
    /// `dcor.u_distance_correlation_sqr` (bias-corrected, can be negative).
    public var uDistanceCorrelationSquared: Double {
        ratio(uCovarianceSquared, uVarianceSquaredX, uVarianceSquaredY)
    }

    private func ratio(_ c: Double, _ a: Double, _ b: Double) -> Double {
        let denominator = abs(a * b).squareRoot()
        return denominator == 0 ? 0 : c / denominator
    }
}
