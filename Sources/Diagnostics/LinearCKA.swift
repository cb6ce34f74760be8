import Cluster
import Linalg

/// HSIC and CKA with linear kernels K = XXᵀ, L = YYᵀ, computed in feature space
/// without any n×n matrix. With Xc, Yc the column-centred data (HX, HY):
/// ```
/// HSIC_b = tr(HKH·HLH)/n² = ‖XcᵀYc‖²_F / n²
/// CKA    = ‖XcᵀYc‖²_F / (‖XcᵀXc‖_F · ‖YcᵀYc‖_F)        (Kornblith et al. 2019)
/// ```
/// computed on the power-of-two rescaled data (`ScaledColumns`) as
/// (‖XcᵀYc‖/‖XcᵀXc‖)·(‖XcᵀYc‖/‖YcᵀYc‖), so no norm is ever squared past the
/// float range. Categorical operands enter as their full one-hot code, whose
/// linear kernel is the delta kernel.
///
/// Properties: CKA ∈ [0, 1], 1 for y = x·(orthogonal)·c + b; invariant under joint
/// row permutations and under x → a·x + b. A constant operand makes CKA 0/0:
/// NaN with a reason. Needs 2 samples.
///
/// Intervals and strata need resamples of the samples: the bootstrap runs in
/// feature space (n·(p² + q² + pq) flops per resample) or, when cheaper, on the
/// n×n linear kernels XcXcᵀ in the workspace like the other kernel measures
/// (10·n²·R flops after two `syrk`); strata always use the kernels.
///
/// Over several ranks, each holding a block of the columns, the estimate also comes
/// from the kernels: XcᵀYc would couple every rank's columns of x with every rank's
/// of y, while XcXcᵀ is a sum of the ranks' blocks' Gram matrices. Both routes give
/// the same value up to rounding.
/// - Complexity: n·(pq + p² + q²) flops, O(pq + p² + q²) memory for the estimate
///   (one rank); n²(p + q)/k flops per rank and two n×n buffers over k > 1 ranks.
public struct LinearCKA: Sendable {
    public var bootstrap: BootstrapSettings?
    public var threads: Int

    public init(bootstrap: BootstrapSettings? = nil, threads: Int = defaultThreadCount) {
        self.bootstrap = bootstrap
        self.threads = threads
    }

    static let formulas = [MeasureFormula(measure: .ckaLinear) { $0.normalized }]

    public func callAsFunction(_ x: Matrix<Double>, _ y: Matrix<Double>) throws -> LinearCKAResult {
        try self(.continuous(x), .continuous(y))
    }

    /// Over several ranks (`communicator`), `x` and `y` are this rank's blocks of the
    /// operands' columns (labels whole on every rank); every rank gets the result.
    public func callAsFunction(_ x: Operand, _ y: Operand, strata: CategoricalLabels? = nil,
                               workspace: KernelWorkspace = KernelWorkspace(),
                               communicator: any Communicator = SingleProcess()) throws -> LinearCKAResult {
        let layout = try BlockLayout.of(x, y, communicator: communicator)
        try InputValidation.checkPair(x, y, statistic: "linear CKA", minimumSamples: 2, layout: layout)
        try InputValidation.requirePositive(threads, "threads")
        try bootstrap?.validate()
        if let strata, strata.count != x.sampleCount {
            throw DiagnosticsError.strataCountMismatch(samples: x.sampleCount, labels: strata.count)
        }
        let xs = try PreparedOperand(x, layout: layout).centredFeatures
        let ys = try PreparedOperand(y, layout: layout).centredFeatures
        let n = x.sampleCount
        let estimateFromKernels = communicator.size > 1
            || Self.kernelsAreCheaper(n: n, p: layout.xTotal, q: layout.yTotal)
        let kernels = estimateFromKernels || strata != nil
            || (bootstrap != nil && kernelRouteIsCheaper(n: n, p: layout.xTotal, q: layout.yTotal))
        if kernels {
            try buildLinearKernel(xs, into: &workspace.first)
            try buildLinearKernel(ys, into: &workspace.second)
        }
        var analysis = KernelPairAnalysis(products: estimateFromKernels
            ? linearKernelProducts(workspace.first, workspace.second, n: n)
            : Self.featureProducts(xs.centred, ys.centred, weights: nil))
        if kernels && (strata != nil || bootstrap != nil) {
            let strataRequest = try strata.map { labels throws(CommunicatorError) in
                try StrataRequest(labels, x: xs, y: ys, communicator: communicator)
            }
            analysis.adopt(try ResamplingOutcome(centredPair: workspace, n: n, permutation: nil, bootstrap: bootstrap,
                                                 strata: strataRequest, stratifiedTest: nil, threads: threads,
                                                 communicator: communicator))
        } else if let bootstrap {
            let weights = bootstrapWeights(n: n, settings: bootstrap, threads: threads)
            analysis.adopt(replicates: (0..<bootstrap.resamples).map { r in
                Self.featureProducts(xs.centred, ys.centred, weights: (0..<n).map { weights[$0, r] })
            })
        }
        return LinearCKAResult(exponents: (xs.exponent, ys.exponent), analysis: analysis, settings: self,
                               constant: (xs.isConstant, ys.isConstant))
    }

    /// The estimate from the n×n kernels (n²(p + q) flops, 2n² doubles) rather than in
    /// feature space (2n(p² + q² + pq) flops, p² + q² + pq doubles): when features
    /// outnumber samples, as for a flattened convolutional layer, the kernels are
    /// cheaper in both, and XcᵀXc would not even fit (50176² doubles for [64, 28, 28]).
    static func kernelsAreCheaper(n: Int, p: Int, q: Int) -> Bool {
        let (nd, pd, qd) = (Double(n), Double(p), Double(q))
        return nd * (pd + qd) < 2 * (pd * pd + qd * qd + pd * qd)
    }

    /// 2n(p² + q² + pq) flops per resample in feature space against n²(p + q) + 10n²R on the kernels.
    private func kernelRouteIsCheaper(n: Int, p: Int, q: Int) -> Bool {
        let r = Double(bootstrap?.resamples ?? 0), nd = Double(n)
        let features = 2 * nd * Double(p * p + q * q + p * q) * r
        let kernels = nd * nd * Double(p + q) + 10 * nd * nd * r
        return kernels < features
    }

    /// V-products of the linear kernels from the centred features, for the
    /// samples weighted by `weights` (resample counts, Σw = n) or all once:
    /// vAB = ‖X̃ᵀỸ‖²_F with X̃ = X − x̄_w, i.e. X̃ᵀỸ = XᵀWY − n·x̄_w·ȳ_wᵀ.
    /// Norms are returned squared but formed from the rescaled data, so they stay in range.
    static func featureProducts(_ xc: Matrix<Double>, _ yc: Matrix<Double>, weights: [Double]?) -> PairProducts {
        let n = xc.rows
        guard let weights else {
            let cross = matmul(xc, yc, transposeA: true).frobeniusNormSquared
            let xx = matmul(xc, xc, transposeA: true).frobeniusNormSquared
            let yy = matmul(yc, yc, transposeA: true).frobeniusNormSquared
            return PairProducts(n: n, vAB: cross, vAA: xx, vBB: yy, uAB: .nan, uAA: .nan, uBB: .nan)
        }
        func weightedCentred(_ m: Matrix<Double>) -> (Matrix<Double>, Matrix<Double>) {
            var means = [Double](repeating: 0, count: m.columns)
            for i in 0..<n where weights[i] != 0 {
                for j in 0..<m.columns { means[j] += weights[i] * m.storage[i * m.columns + j] }
            }
            var centred = m, weighted = m
            for i in 0..<n {
                for j in 0..<m.columns {
                    let v = m.storage[i * m.columns + j] - means[j] / Double(n)
                    centred.storage[i * m.columns + j] = v
                    weighted.storage[i * m.columns + j] = weights[i] * v
                }
            }
            return (centred, weighted)
        }
        let (x, xw) = weightedCentred(xc), (y, yw) = weightedCentred(yc)
        return PairProducts(n: n,
                            vAB: matmul(xw, y, transposeA: true).frobeniusNormSquared,
                            vAA: matmul(xw, x, transposeA: true).frobeniusNormSquared,
                            vBB: matmul(yw, y, transposeA: true).frobeniusNormSquared,
                            uAB: .nan, uAA: .nan, uBB: .nan)
    }
}

extension Matrix where Scalar == Double {
    /// Σ entries², accumulated in order.
    var frobeniusNormSquared: Double { storage.reduce(0) { $0 + $1 * $1 } }
}

/// The full (both triangles) linear kernel XcXcᵀ of centred rows in `buffer`:
/// already centred, since HXXᵀH = XcXcᵀ. Over several ranks, of all ranks' columns.
func buildLinearKernel(_ scaled: ScaledColumns, into buffer: inout [Double]) throws(CommunicatorError) {
    let n = scaled.centred.rows
    gramUpper(scaled.centred, into: &buffer)
    try addUpperTriangles(&buffer, n: n, across: scaled.communicator)
    for i in 0..<n {
        for j in 0..<i { buffer[i * n + j] = buffer[j * n + i] }
    }
}

/// The V-products of two full linear kernels K = XcXcᵀ, L = YcYcᵀ (already
/// centred): Σ K∘L = ‖XcᵀYc‖²_F and the self-terms, as `featureProducts` forms them
/// in feature space, each accumulated in row order.
func linearKernelProducts(_ k: [Double], _ l: [Double], n: Int) -> PairProducts {
    var kl = 0.0, kk = 0.0, ll = 0.0
    for i in 0..<n {
        var (rowKL, rowKK, rowLL) = (0.0, 0.0, 0.0)
        for j in (i * n)..<((i + 1) * n) {
            rowKL += k[j] * l[j]
            rowKK += k[j] * k[j]
            rowLL += l[j] * l[j]
        }
        (kl, kk, ll) = (kl + rowKL, kk + rowKK, ll + rowLL)
    }
    return PairProducts(n: n, vAB: kl, vAA: kk, vBB: ll, uAB: .nan, uAA: .nan, uBB: .nan)
}

public struct LinearCKAResult: Sendable, Equatable {
    public let n: Int
    /// ‖XcᵀYc‖²/n² and the self-terms, in the data's units (squares of the data's
    /// magnitudes: they can leave the float range at extreme scales, the CKA cannot).
    public let hsicBiased: Double
    public let hsicBiasedXX: Double
    public let hsicBiasedYY: Double
    /// NaN when x or y has no variance (0/0).
    public let cka: Double
    /// `cka_linear`, with an interval when requested.
    public let estimates: [MeasureEstimate]
    public let withinStrata: WithinStrataResult?
    public let warnings: [DiagnosticWarning]

    public func estimate(_ measure: Measure) -> MeasureEstimate? {
        estimates.first { $0.measure == measure }
    }

    init(exponents: (x: Int, y: Int), analysis: KernelPairAnalysis, settings: LinearCKA, constant: (x: Bool, y: Bool)) {
        let products = analysis.products
        n = products.n
        let (ex, ey) = exponents
        hsicBiased = scaledByPowerOfTwo(products.biased, -2 * (ex + ey))
        hsicBiasedXX = scaledByPowerOfTwo(products.biasedXX, -4 * ex)
        hsicBiasedYY = scaledByPowerOfTwo(products.biasedYY, -4 * ey)
        cka = products.normalized
        let degenerate = DegenerateOperands(constant: constant)
        var reasons: [Measure: String] = [:]
        if let which = degenerate.names { reasons[.ckaLinear] = "undefined: \(which) constant (0/0)" }
        let (estimates, estimateWarnings) = analysis.estimates(LinearCKA.formulas, bootstrap: settings.bootstrap,
                                                               pValues: [:], reasons: reasons)
        self.estimates = estimates
        withinStrata = analysis.withinStrata(LinearCKA.formulas, tested: nil, permutation: nil,
                                             bootstrap: settings.bootstrap)
        warnings = degenerate.warnings("linear CKA is undefined (0/0)") + estimateWarnings
            + (withinStrata?.warnings ?? [])
    }
}
