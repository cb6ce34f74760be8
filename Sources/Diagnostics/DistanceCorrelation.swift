import Cluster
import Linalg

/// Distance covariance and correlation (Székely, Rizzo & Bakirov 2007) with the
/// conventions of the `dcor` 0.7 package (exponent 1). With aᵢⱼ = ‖xᵢ − xⱼ‖,
/// bᵢⱼ = ‖yᵢ − yⱼ‖ and A, B their double-centred (V) or U-centred forms:
/// ```
/// dCov²ₙ = Σ A∘B / n²,   dCor² = dCov²ₙ(x, y) / √(dCov²ₙ(x, x)·dCov²ₙ(y, y))
/// dCor²ᵤ = (Ã·B̃) / √|(Ã·Ã)(B̃·B̃)|,   (Ã·B̃) = Σ_{i≠j} ÃᵢⱼB̃ᵢⱼ / (n(n−3))
/// ```
/// (bias-corrected, Székely & Rizzo 2013/2014; can be negative). A ratio with a
/// zero denominator is 0, as in `dcor` and R's `energy`: a constant operand has
/// dCor 0 by definition (and permutation p-value 1, with a warning).
/// Categorical operands enter through their one-hot code (distances √2·1[a ≠ b]).
///
/// Minimum samples: dCor 2, bias-corrected dCor² 4 (n − 3 in its denominator).
/// The permutation test uses dcor's statistic n·dCov²ₙ and counts ties as
/// exceedances (`PermutationResult`).
/// - Complexity: n²(p + q) flops, 2n² doubles in the workspace, R·n² more for a
///   permutation test, 10·n²·R flops for a bootstrap.
public struct DistanceCorrelation: SampledMeasure, Sendable {
    public var sampling: SampleSettings

    public init(sampling: SampleSettings) {
        self.sampling = sampling
    }

    public init(maxSamples: Int = 5000, subsampleMethod: SubsampleMethod = .default,
                permutation: PermutationSettings? = nil, bootstrap: BootstrapSettings? = nil,
                threads: Int = defaultThreadCount) {
        self.init(sampling: SampleSettings(maxSamples: maxSamples, subsampleMethod: subsampleMethod,
                                           permutation: permutation, bootstrap: bootstrap, threads: threads))
    }

    /// The V-statistic needs one pair; the bias-corrected one needs 4 samples.
    public static let minimumSamples = 2

    static let formulas = [
        MeasureFormula(measure: .distanceCorrelation) { $0.distanceCorrelation },
        MeasureFormula(measure: .distanceCorrelationU2) { $0.distanceCorrelationU2 },
    ]

    public func callAsFunction(_ x: Matrix<Double>, _ y: Matrix<Double>,
                               workspace: KernelWorkspace = KernelWorkspace()) throws -> DistanceCorrelationResult {
        try self(.continuous(x), .continuous(y), workspace: workspace)
    }

    /// Over several ranks (`communicator`), `x` and `y` are this rank's blocks of the
    /// operands' columns (labels whole on every rank); every rank gets the
    /// single-process result.
    public func callAsFunction(_ x: Operand, _ y: Operand, strata: CategoricalLabels? = nil,
                               workspace: KernelWorkspace = KernelWorkspace(),
                               communicator: any Communicator = SingleProcess()) throws -> DistanceCorrelationResult {
        let layout = try BlockLayout.of(x, y, communicator: communicator)
        let subsample = try sampling.subsample(x, y, strata: strata, statistic: "distance correlation",
                                               minimumSamples: Self.minimumSamples, layout: layout)
        let xs = try PreparedOperand(subsample.apply(x), layout: layout).centredFeatures
        let ys = try PreparedOperand(subsample.apply(y), layout: layout).centredFeatures
        let a = try buildSymmetricKernel(xs, kind: .distance, into: &workspace.first, threads: threads)
        let b = try buildSymmetricKernel(ys, kind: .distance, into: &workspace.second, threads: threads)
        let constant = (x: xs.isConstant, y: ys.isConstant)
        var analysis = KernelPairAnalysis(a, b, workspace: workspace, constant: constant, threads: threads)
        let strataRequest = try strata.map { labels throws(CommunicatorError) in
            try StrataRequest(subsample.apply(labels), x: xs, y: ys, communicator: communicator)
        }
        try analysis.resample(a, b, workspace: workspace, permutation: permutation, bootstrap: bootstrap,
                              strata: strataRequest, stratifiedTest: Self.formulas[0], threads: threads,
                              communicator: communicator)
        // Distances are in the scaled units: dCov² of the data is 2^(−ex−ey) times theirs.
        let units = -(xs.exponent + ys.exponent)
        let permutationResult = analysis.permutation.map {
            PermutationResult(statistic: scaledByPowerOfTwo($0.observed / Double(a.n), units),
                              exceedances: $0.exceedances, permutations: permutation?.permutations ?? 0,
                              seed: permutation?.seed ?? 0, stratified: false)
        }
        return DistanceCorrelationResult(subsample: subsample, units: units, exponents: (xs.exponent, ys.exponent),
                                         permutation: permutationResult, analysis: analysis, settings: self,
                                         constant: constant)
    }
}
