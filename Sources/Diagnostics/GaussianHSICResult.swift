/// Everything `GaussianHSIC` computes for one (x, y) pair.
public struct GaussianHSICResult: Sendable, Equatable {
    /// Samples used (after `maxSamples`), features of x and y (levels for labels).
    public let n: Int, p: Int, q: Int
    public let subsample: Subsample
    public let kernelX: OperandKernel
    public let kernelY: OperandKernel
    public let hsicBiased: Double
    /// NaN below 4 samples.
    public let hsicUnbiased: Double
    /// HSIC_b(K, K), HSIC_b(L, L): the normalisers of CKA.
    public let hsicBiasedXX: Double, hsicBiasedYY: Double
    public let hsicUnbiasedXX: Double, hsicUnbiasedYY: Double
    public let gamma: GammaTestResult
    public let permutation: PermutationResult?
    /// `hsic_b` (p-values: gamma, then permutation), `hsic_u`, `hsic_normalized`,
    /// with bootstrap intervals when requested.
    public let estimates: [MeasureEstimate]
    /// The same measures within strata, when strata were given.
    public let withinStrata: WithinStrataResult?
    public let warnings: [DiagnosticWarning]

    /// HSIC_b(K, L)/√(HSIC_b(K, K)·HSIC_b(L, L)) (RBF CKA), in [0, 1]; NaN for a constant operand.
    public let normalized: Double
    /// The same with HSIC_u; NaN when an unbiased self-term is not positive.
    public let normalizedUnbiased: Double

    /// σ of x (nil for labels, which use the delta kernel).
    public var bandwidthX: BandwidthChoice? { kernelX.bandwidth }
    public var bandwidthY: BandwidthChoice? { kernelY.bandwidth }

    public func estimate(_ measure: Measure) -> MeasureEstimate? {
        estimates.first { $0.measure == measure }
    }

    init(n: Int, p: Int, q: Int, subsample: Subsample, kernelX: OperandKernel, kernelY: OperandKernel,
         gamma: GammaTestResult, permutation: PermutationResult?, analysis: KernelPairAnalysis,
         settings: GaussianHSIC, constant: (x: Bool, y: Bool)) {
        let products = analysis.products
        (self.n, self.p, self.q, self.subsample) = (n, p, q, subsample)
        (self.kernelX, self.kernelY, self.gamma, self.permutation) = (kernelX, kernelY, gamma, permutation)
        hsicBiased = products.biased
        hsicUnbiased = products.unbiased
        (hsicBiasedXX, hsicBiasedYY) = (products.biasedXX, products.biasedYY)
        (hsicUnbiasedXX, hsicUnbiasedYY) = (products.unbiasedXX, products.unbiasedYY)
        normalized = products.normalized
        normalizedUnbiased = products.normalizedUnbiased

        var warnings = DegenerateOperands(constant: constant).warnings(
            "HSIC is 0, normalised HSIC undefined (0/0) and its p-values 1")
        for (name, kernel) in [("x", kernelX), ("y", kernelY)] {
            if let choice = kernel.bandwidth, choice.positiveDistancesOnly {
                warnings.append(DiagnosticWarning(
                    .tiedDistances, "median heuristic for \(name): more than half of the sampled pairs of rows "
                        + "coincide, so σ = \(choice.sigma) is the median of the \(choice.pairsUsed) positive distances"))
            }
        }
        var reasons: [Measure: String] = [:]
        if n < Measure.hsicUnbiased.minimumSamples {
            reasons[.hsicUnbiased] = "needs at least 4 samples (n = \(n))"
            warnings.append(DiagnosticWarning(.unavailable, measure: .hsicUnbiased,
                                              "hsic_u needs at least 4 samples (n = \(n))"))
        }
        if let which = DegenerateOperands(constant: constant).names {
            reasons[.hsicNormalized] = "undefined: \(which) constant (0/0)"
        }
        var pValues = [PValue(method: .gamma, value: gamma.pValue, reason: gamma.reason)]
        if n < GammaTestResult.minimumSamples {
            warnings.append(DiagnosticWarning(.unavailable, measure: .hsicBiased,
                                              "hsic_b gamma p-value: \(gamma.reason ?? "unavailable")"))
        }
        if let permutation {
            pValues.append(PValue(method: .permutation(permutation.permutations), value: permutation.pValue,
                                  reason: constant.x || constant.y ? "every permuted statistic ties at 0" : nil))
        }
        let (estimates, estimateWarnings) = analysis.estimates(GaussianHSIC.formulas, bootstrap: settings.bootstrap,
                                                               pValues: [.hsicBiased: pValues], reasons: reasons)
        self.estimates = estimates
        withinStrata = analysis.withinStrata(GaussianHSIC.formulas, tested: .hsicBiased,
                                             permutation: settings.permutation, bootstrap: settings.bootstrap)
        self.warnings = warnings + estimateWarnings + (withinStrata?.warnings ?? [])
    }
}

/// Which operands are constant, and the warning that says so.
struct DegenerateOperands {
    let constant: (x: Bool, y: Bool)

    /// "x is", "y is", "x and y are", or nil.
    var names: String? {
        switch constant {
        case (true, true): return "x and y are"
        case (true, false): return "x is"
        case (false, true): return "y is"
        case (false, false): return nil
        }
    }

    func warnings(_ consequence: String) -> [DiagnosticWarning] {
        guard let names else { return [] }
        return [DiagnosticWarning(.constantOperand,
                                  "\(names) constant (every sample identical after subsampling): \(consequence)")]
    }
}
