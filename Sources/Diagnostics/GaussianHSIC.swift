import Cluster
import Linalg

/// HSIC with Gaussian kernels k(x, x′) = exp(−‖x − x′‖²/(2σ²)) (Gretton et al.
/// 2005, 2008), or the delta kernel for categorical operands: biased and
/// unbiased estimators, their normalised forms (RBF CKA), the gamma-approximation
/// test and, optionally, a permutation test, bootstrap intervals and the
/// within-strata analysis (`WithinStrataResult`).
/// ```
/// HSIC_b = Σ Kc∘Lc / n²                              Kc = HKH, Lc = HLH
/// HSIC_u = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3))
/// CKA    = HSIC_b(K, L) / √(HSIC_b(K, K)·HSIC_b(L, L))   (unbiased CKA: HSIC_u)
/// ```
/// K̃, L̃ are K, L with zeroed diagonal (Song et al. 2012).
///
/// Properties: HSIC_b ≥ 0; CKA(x, x) = 1; every value is invariant under a joint
/// permutation of the rows of x and y and under x → a·x + b (σ scales with the
/// data), for any a ≠ 0 over the whole float range (`ScaledColumns`).
///
/// Minimum samples, per measure: HSIC_b and CKA 2, HSIC_u 4, the gamma test 6;
/// an estimate that cannot be computed at this n is reported unavailable with
/// the reason, the others are still computed. A constant operand gives HSIC 0,
/// CKA undefined (0/0) and p-values 1, with a warning.
///
/// Settings go in `init`, data in `callAsFunction`; nothing is mutated.
/// - Complexity: n²(p + q) flops (two `syrk`), O(n²) further work, 2n² doubles of
///   memory in the workspace; a permutation test adds R·n² multiply-adds, a
///   bootstrap 10·n²·R flops (GEMM).
public struct GaussianHSIC: SampledMeasure, Sendable {
    public var bandwidthX: Bandwidth
    public var bandwidthY: Bandwidth
    /// The samples, the permutation test on top of the gamma test, the bootstrap, the threads.
    public var sampling: SampleSettings

    public init(bandwidthX: Bandwidth = .medianHeuristic, bandwidthY: Bandwidth = .medianHeuristic,
                sampling: SampleSettings) {
        self.bandwidthX = bandwidthX
        self.bandwidthY = bandwidthY
        self.sampling = sampling
    }

    public init(bandwidthX: Bandwidth = .medianHeuristic, bandwidthY: Bandwidth = .medianHeuristic,
                maxSamples: Int = 5000, subsampleMethod: SubsampleMethod = .default,
                permutation: PermutationSettings? = nil, bootstrap: BootstrapSettings? = nil,
                threads: Int = defaultThreadCount) {
        self.init(bandwidthX: bandwidthX, bandwidthY: bandwidthY,
                  sampling: SampleSettings(maxSamples: maxSamples, subsampleMethod: subsampleMethod,
                                           permutation: permutation, bootstrap: bootstrap, threads: threads))
    }

    /// Below 2 samples there is no pair, and no HSIC estimate at all.
    public static let minimumSamples = 2

    static let formulas = [
        MeasureFormula(measure: .hsicBiased) { $0.biased },
        MeasureFormula(measure: .hsicUnbiased) { $0.unbiased },
        MeasureFormula(measure: .hsicNormalized) { $0.normalized },
    ]

    public func callAsFunction(_ x: Matrix<Double>, _ y: Matrix<Double>,
                               workspace: KernelWorkspace = KernelWorkspace()) throws -> GaussianHSICResult {
        try self(.continuous(x), .continuous(y), workspace: workspace)
    }

    /// - Parameters: `x`, `y` with n samples each; `strata`, n labels, adds the
    ///   within-strata analysis (`GaussianHSICResult.withinStrata`).
    ///   Over several ranks (`communicator`), `x` and `y` are this rank's blocks of
    ///   the operands' columns (every sample; labels whole on every rank), and every
    ///   rank gets the single-process result (see FeatureBlocks.swift).
    /// - Throws: `DiagnosticsError` on mismatched rows, non-finite values, fewer
    ///   than 2 samples (after subsampling) or invalid settings — on every rank when
    ///   one rank's block is at fault (`RemoteFailure` on the others).
    public func callAsFunction(_ x: Operand, _ y: Operand, strata: CategoricalLabels? = nil,
                               workspace: KernelWorkspace = KernelWorkspace(),
                               communicator: any Communicator = SingleProcess()) throws -> GaussianHSICResult {
        let layout = try BlockLayout.of(x, y, communicator: communicator)
        let subsample = try sampling.subsample(x, y, strata: strata, statistic: "Gaussian HSIC",
                                               minimumSamples: Self.minimumSamples, layout: layout)
        let xs = try PreparedOperand(subsample.apply(x), layout: layout)
        let ys = try PreparedOperand(subsample.apply(y), layout: layout)
        let builderX = KernelBuilder(bandwidth: bandwidthX, rowSelection: subsampleMethod, threads: threads)
        let builderY = KernelBuilder(bandwidth: bandwidthY, rowSelection: subsampleMethod, threads: threads)
        let presetX = try builderX.preset(xs, name: "x", workspace: workspace)
        let presetY = try builderY.preset(ys, name: "y", workspace: workspace)
        let (kernelX, k) = try builderX.build(xs, preset: presetX, into: &workspace.first)
        let (kernelY, l) = try builderY.build(ys, preset: presetY, into: &workspace.second)
        let constant = (x: xs.isConstant, y: ys.isConstant)
        var analysis = KernelPairAnalysis(k, l, workspace: workspace, constant: constant, threads: threads)
        let gamma = GammaTestResult(n: k.n, sums: analysis.centred ?? CentredProducts(), kTotal: k.total, lTotal: l.total,
                                    constantOperand: constant.x ? "x" : constant.y ? "y" : nil)
        let strataRequest = try strata.map { labels throws(CommunicatorError) in
            try StrataRequest(subsample.apply(labels), x: xs, y: ys, communicator: communicator)
        }
        try analysis.resample(k, l, workspace: workspace, permutation: permutation, bootstrap: bootstrap,
                              strata: strataRequest, stratifiedTest: Self.formulas[0], threads: threads,
                              communicator: communicator)
        let permutationResult = analysis.permutation.map {
            PermutationResult(statistic: $0.observed / Double(k.n * k.n), exceedances: $0.exceedances,
                              permutations: permutation?.permutations ?? 0, seed: permutation?.seed ?? 0,
                              stratified: false)
        }
        return GaussianHSICResult(
            n: subsample.used, p: layout.xTotal, q: layout.yTotal, subsample: subsample,
            kernelX: kernelX, kernelY: kernelY, gamma: gamma,
            permutation: permutationResult, analysis: analysis, settings: self, constant: constant)
    }
}
