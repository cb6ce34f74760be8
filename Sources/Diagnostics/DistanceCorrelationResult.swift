/// Everything `DistanceCorrelation` computes for one (x, y) pair.
///
/// The covariances are in the data's units (dCov² of x·a and y·b is |ab|·dCov²),
/// so at extreme magnitudes they can leave the float range (∞ or 0) although
/// the correlations, which are computed from the rescaled data, never do.
public struct DistanceCorrelationResult: Sendable, Equatable {
    public let n: Int
    public let subsample: Subsample
    /// dCov²ₙ(x, y), dCov²ₙ(x, x), dCov²ₙ(y, y) (V-statistics), in the data's units.
    public let covarianceSquared: Double, varianceSquaredX: Double, varianceSquaredY: Double
    /// The unbiased (U-centred) counterparts; NaN below 4 samples.
    public let uCovarianceSquared: Double, uVarianceSquaredX: Double, uVarianceSquaredY: Double
    /// Statistic n·dCov²ₙ (data units), ties counted as exceedances, when requested.
    public let permutation: PermutationResult?
    /// `dcor` (p-value: permutation) and `dcor_u2`, with intervals when requested.
    public let estimates: [MeasureEstimate]
    public let withinStrata: WithinStrataResult?
    public let warnings: [DiagnosticWarning]
    /// The products of the rescaled data, from which the correlations come.
    let scaledProducts: PairProducts

    /// `dcor.distance_covariance`: √dCov²ₙ.
    public var distanceCovariance: Double { max(0, covarianceSquared).squareRoot() }
    /// `dcor.distance_correlation_sqr`.
    public var distanceCorrelationSquared: Double { scaledProducts.distanceCorrelationSquared }
    /// `dcor.distance_correlation`, in [0, 1].
    public var distanceCorrelation: Double { scaledProducts.distanceCorrelation }
    /// `dcor.u_distance_correlation_sqr` (bias-corrected, can be negative); NaN below 4 samples.
    public var uDistanceCorrelationSquared: Double { scaledProducts.distanceCorrelationU2 }

    public func estimate(_ measure: Measure) -> MeasureEstimate? {
        estimates.first { $0.measure == measure }
    }

    init(subsample: Subsample, units: Int, exponents: (x: Int, y: Int), permutation: PermutationResult?,
         analysis: KernelPairAnalysis, settings: DistanceCorrelation, constant: (x: Bool, y: Bool)) {
        let products = analysis.products
        n = products.n
        self.subsample = subsample
        scaledProducts = products
        covarianceSquared = scaledByPowerOfTwo(products.biased, units)
        varianceSquaredX = scaledByPowerOfTwo(products.biasedXX, -2 * exponents.x)
        varianceSquaredY = scaledByPowerOfTwo(products.biasedYY, -2 * exponents.y)
        uCovarianceSquared = scaledByPowerOfTwo(products.unbiased, units)
        uVarianceSquaredX = scaledByPowerOfTwo(products.unbiasedXX, -2 * exponents.x)
        uVarianceSquaredY = scaledByPowerOfTwo(products.unbiasedYY, -2 * exponents.y)
        self.permutation = permutation

        var warnings = DegenerateOperands(constant: constant).warnings(
            "distance correlation is 0 by definition and its p-value 1")
        var reasons: [Measure: String] = [:]
        if n < Measure.distanceCorrelationU2.minimumSamples {
            reasons[.distanceCorrelationU2] = "needs at least 4 samples (n = \(n))"
            warnings.append(DiagnosticWarning(.unavailable, measure: .distanceCorrelationU2,
                                              "dcor_u2 needs at least 4 samples (n = \(n))"))
        }
        var pValues: [PValue] = []
        if let permutation {
            pValues.append(PValue(method: .permutation(permutation.permutations), value: permutation.pValue,
                                  reason: constant.x || constant.y ? "every permuted statistic ties at 0" : nil))
        }
        let (estimates, estimateWarnings) = analysis.estimates(
            DistanceCorrelation.formulas, bootstrap: settings.bootstrap, pValues: [.distanceCorrelation: pValues],
            reasons: reasons)
        self.estimates = estimates
        withinStrata = analysis.withinStrata(DistanceCorrelation.formulas, tested: .distanceCorrelation,
                                             permutation: settings.permutation, bootstrap: settings.bootstrap)
        self.warnings = warnings + estimateWarnings + (withinStrata?.warnings ?? [])
    }
}
