import Cluster

/// What the n×n measure families (HSIC, distance correlation, linear CKA's
/// intervals) compute once their two matrices A, B are in the workspace (upper
/// triangles and row sums): the exact products and — each only when asked — a
/// permutation test, bootstrap replicates and the within-strata analysis, all
/// read from the full centred matrices, formed once.
struct KernelPairAnalysis {
    let n: Int
    /// The point estimates' products. A constant operand's are exactly 0.
    let products: PairProducts
    /// The exact element-wise centred sums behind `products` (the gamma test
    /// needs one more of them); nil when the products come from feature space.
    let centred: CentredProducts?
    /// The observed Σ Ac∘Bc and its tie-inclusive exceedances among the permuted sums.
    private(set) var permutation: (observed: Double, exceedances: Int)?
    private(set) var replicates: [PairProducts]?
    private(set) var strata: WithinStrataCombination?
    private(set) var stratifiedPermutation: (observed: Double, exceedances: Int)?

    /// From kernels A (`workspace.first`) and B (`.second`) with constant diagonals.
    init(_ k: SymmetricKernel, _ l: SymmetricKernel, workspace: KernelWorkspace, constant: (x: Bool, y: Bool),
         threads: Int) {
        n = k.n
        let centred = centredProducts(k, &workspace.first, l, &workspace.second, threads: threads)
            .zeroing(x: constant.x, y: constant.y)
        self.centred = centred
        products = PairProducts(centred, n: n)
    }

    /// From products computed elsewhere (linear CKA in feature space).
    init(products: PairProducts) {
        n = products.n
        self.products = products
        centred = nil
    }

    /// The requested resampling analyses. Afterwards the workspace holds the full centred matrices.
    /// - Parameters:
    ///   - stratifiedTest: the measure whose within-strata statistic the stratified permutation test uses.
    ///   - communicator: the ranks that share the permutations and resamples (each rank holds the same kernels).
    mutating func resample(_ k: SymmetricKernel, _ l: SymmetricKernel, workspace: KernelWorkspace,
                           permutation settings: PermutationSettings?, bootstrap: BootstrapSettings?,
                           strata: StrataRequest?, stratifiedTest: MeasureFormula?, threads: Int,
                           communicator: any Communicator) throws(CommunicatorError) {
        guard settings != nil || bootstrap != nil || strata != nil else { return }
        centreFully(k, &workspace.first, threads: threads)
        centreFully(l, &workspace.second, threads: threads)
        adopt(try ResamplingOutcome(centredPair: workspace, n: n, permutation: settings, bootstrap: bootstrap,
                                    strata: strata, stratifiedTest: stratifiedTest, threads: threads,
                                    communicator: communicator))
    }

    mutating func adopt(_ outcome: ResamplingOutcome) {
        permutation = outcome.permutation
        replicates = outcome.replicates
        strata = outcome.strata
        stratifiedPermutation = outcome.stratifiedPermutation
    }

    mutating func adopt(replicates: [PairProducts]) {
        self.replicates = replicates
    }

    /// Whole-sample estimates of `formulas`, with intervals when bootstrapped.
    /// - Parameters:
    ///   - pValues: p-values to attach, per measure.
    ///   - reasons: measures that are unavailable or undefined here, and why.
    func estimates(_ formulas: [MeasureFormula], bootstrap: BootstrapSettings?, pValues: [Measure: [PValue]],
                   reasons: [Measure: String]) -> (estimates: [MeasureEstimate], warnings: [DiagnosticWarning]) {
        var warnings: [DiagnosticWarning] = []
        let estimates = formulas.map { formula -> MeasureEstimate in
            let measure = formula.measure
            if let reason = reasons[measure], !formula.value(products).isFinite {
                return MeasureEstimate(measure: measure, value: .nan, n: n, pValues: pValues[measure] ?? [],
                                       reason: reason)
            }
            let value = formula.value(products)
            guard value.isFinite else {
                warnings.append(DiagnosticWarning(.nonFinite, measure: measure,
                                                  "\(measure.rawValue): the computation gave \(value); not reported"))
                return .unavailable(measure, n: n, reason: "non-finite result (\(value))")
            }
            guard let bootstrap, let replicates else {
                return MeasureEstimate(measure: measure, value: value, n: n, pValues: pValues[measure] ?? [])
            }
            let values = replicates.map(formula.value)
            let dropped = values.filter { !$0.isFinite }.count
            if dropped > 0 {
                warnings.append(DiagnosticWarning(
                    .bootstrapReplicatesDropped, measure: measure,
                    "\(measure.rawValue): \(dropped) of \(values.count) bootstrap resamples left the measure undefined "
                        + "(an operand constant in the resample); the interval uses the others"))
            }
            return MeasureEstimate(
                measure: measure, value: value, n: n, pValues: pValues[measure] ?? [],
                interval: .basic(estimate: value, replicates: values, confidence: bootstrap.confidence,
                                 range: measure.range),
                replicates: BootstrapReplicates(values: values, settings: bootstrap, sampleCount: n, strataSizes: nil))
        }
        return (estimates, warnings)
    }

    /// Within-strata estimates of `formulas`; the stratified p-value goes to `tested`.
    func withinStrata(_ formulas: [MeasureFormula], tested: Measure?, permutation settings: PermutationSettings?,
                      bootstrap: BootstrapSettings?) -> WithinStrataResult? {
        guard let strata else { return nil }
        var warnings: [DiagnosticWarning] = []
        let estimates = formulas.map { formula -> MeasureEstimate in
            var pValues: [PValue] = []
            if formula.measure == tested, let settings {
                let method = PValueMethod.stratifiedPermutation(settings.permutations)
                if let result = stratifiedPermutation {
                    pValues.append(PValue(method: method, value: Double(1 + result.exceedances)
                                              / Double(1 + settings.permutations)))
                } else {
                    pValues.append(PValue(method: method, value: .nan, reason: "no stratum can carry the statistic"))
                }
            }
            let (estimate, warning) = strata.estimate(formula, pValues: pValues, bootstrap: bootstrap)
            if let warning { warnings.append(warning) }
            return estimate
        }
        return WithinStrataResult(strata: strata.strata, estimates: estimates, warnings: warnings)
    }
}

/// Permutation test, bootstrap replicates and within-strata analysis of two
/// full (both triangles) centred n×n matrices in `workspace.first`/`.second`,
/// identical on every rank of `communicator`: the ranks split the permutations and
/// the resamples by index and add up or assemble the results.
struct ResamplingOutcome {
    var permutation: (observed: Double, exceedances: Int)?
    var replicates: [PairProducts]?
    var strata: WithinStrataCombination?
    var stratifiedPermutation: (observed: Double, exceedances: Int)?

    init(centredPair workspace: KernelWorkspace, n: Int, permutation settings: PermutationSettings?,
         bootstrap: BootstrapSettings?, strata: StrataRequest?, stratifiedTest: MeasureFormula?, threads: Int,
         communicator: any Communicator) throws(CommunicatorError) {
        if let settings {
            permutation = try permutationTest(&workspace.first, &workspace.second,
                                              blocks: [MatrixBlock(offset: 0, size: n)], settings: settings,
                                              threads: threads, communicator: communicator) { $0[0] }
        }
        if let bootstrap {
            replicates = try productsByIndex(count: bootstrap.resamples, across: communicator) { share in
                resampledProducts(workspace.first, workspace.second, n: n,
                                  weights: bootstrapWeights(n: n, settings: bootstrap, threads: threads, resamples: share))
            }
        }
        guard let strata else { return }
        var blocks = StrataBlocks(a: workspace.first, b: workspace.second, n: n, strata: strata)
        let combination = WithinStrataCombination(
            strata: zip(strata.labels.levels, strata.labels.counts).map { StratumSummary(label: $0, size: $1) },
            perStratum: blocks.products(),
            replicates: try bootstrap.map { settings throws(CommunicatorError) in
                try blocks.bootstrapProducts(settings: settings, threads: threads, communicator: communicator)
            })
        self.strata = combination
        if let settings, let stratifiedTest {
            let included = combination.inclusion(stratifiedTest).included
            guard !included.isEmpty else { return }
            stratifiedPermutation = try permutationTest(
                &blocks.a, &blocks.b, blocks: included.map { blocks.blocks[$0] }, settings: settings, threads: threads,
                communicator: communicator,
                statistic: combination.permutationStatistic(stratifiedTest, included: included))
        }
    }
}
