/// One stratum of a within-strata analysis.
public struct StratumSummary: Sendable, Equatable {
    /// The stratum's label value.
    public let label: Int
    /// Samples in the stratum (after any subsample).
    public let size: Int
}

/// Dependence within strata of a discrete confounder (condition `strata=…` in summary.csv).
///
/// The statistic of each measure is the sample-size-weighted mean of the measure
/// computed inside each stratum,
/// ```
/// T_within = Σₛ (nₛ/N′)·Tₛ,   N′ = Σ nₛ over the strata where Tₛ is defined
/// ```
/// with the kernels of the whole sample (the same σ everywhere) centred within
/// each stratum. With characteristic kernels (Gaussian, delta) its population
/// value is 0 exactly when x and y are independent inside every stratum, and
/// unlike HSIC with kernels centred within strata — the HS norm of the pooled conditional cross-covariance
/// Σₛ pₛ·Cₛ (Fukumizu et al. 2008, "Kernel measures of conditional dependence",
/// NIPS) — per-stratum dependences cannot cancel each other. It is the
/// kernel analogue of combining per-stratum statistics with stratum weights as
/// stratified tests do (Mantel & Haenszel 1959).
///
/// The p-value comes from a stratified permutation test: y is permuted only
/// within each stratum, which keeps every stratum's marginals and the whole
/// confounder–y relation, so it tests conditional independence of x and y
/// given the strata (the conditional permutation test for discrete
/// conditioning variables; Doran et al. 2014 permute within clusters). Its
/// statistic is the within-strata statistic itself.
///
/// A stratum too small for a measure (fewer samples than the measure's
/// minimum) or where the measure is undefined (an operand constant inside it,
/// for the normalised measures) is excluded from that measure and reported in
/// `warnings`, never silently dropped.
public struct WithinStrataResult: Sendable, Equatable {
    public let strata: [StratumSummary]
    public let estimates: [MeasureEstimate]
    public let warnings: [DiagnosticWarning]

    public func estimate(_ measure: Measure) -> MeasureEstimate? {
        estimates.first { $0.measure == measure }
    }
}

/// A measure as a function of the centred products of one (sub)sample.
struct MeasureFormula: Sendable {
    let measure: Measure
    let value: @Sendable (PairProducts) -> Double
}

/// Combines per-stratum products into within-strata estimates.
struct WithinStrataCombination {
    let strata: [StratumSummary]
    let perStratum: [PairProducts?]
    /// [stratum][resample], when bootstrapped.
    let replicates: [[PairProducts]?]?

    /// The strata a measure uses, and why the others are left out.
    func inclusion(_ formula: MeasureFormula) -> (included: [Int], excluded: [String]) {
        var included: [Int] = [], excluded: [String] = []
        for (s, stratum) in strata.enumerated() {
            let needed = formula.measure.minimumSamples
            if stratum.size < needed {
                excluded.append("stratum \(stratum.label) (n = \(stratum.size) < \(needed))")
            } else if let p = perStratum[s], formula.value(p).isFinite {
                included.append(s)
            } else {
                excluded.append("stratum \(stratum.label) (n = \(stratum.size): undefined, an operand is constant in it)")
            }
        }
        return (included, excluded)
    }

    /// Σ nₛ·vₛ / Σ nₛ over the strata with a finite vₛ among `strata`.
    func weightedMean(_ values: (Int) -> Double, over included: [Int]) -> Double {
        var total = 0.0, weight = 0.0
        for s in included {
            let v = values(s)
            guard v.isFinite else { continue }
            total += Double(strata[s].size) * v
            weight += Double(strata[s].size)
        }
        return weight > 0 ? total / weight : .nan
    }

    func estimate(_ formula: MeasureFormula, pValues: [PValue], bootstrap: BootstrapSettings?)
        -> (MeasureEstimate, DiagnosticWarning?) {
        let (included, excluded) = inclusion(formula)
        let n = included.reduce(0) { $0 + strata[$1].size }
        let warning = excluded.isEmpty ? nil : DiagnosticWarning(
            .strataExcluded, measure: formula.measure,
            "\(formula.measure.rawValue) within strata leaves out " + excluded.joined(separator: ", "))
        guard !included.isEmpty else {
            let reason = "no stratum has enough samples or a defined value"
            return (.unavailable(formula.measure, n: 0, reason: reason), warning)
        }
        let value = weightedMean({ perStratum[$0].map(formula.value) ?? .nan }, over: included)
        var interval: ConfidenceInterval?, replicates: BootstrapReplicates?
        if let bootstrap, let perResample = self.replicates {
            let values = (0..<bootstrap.resamples).map { r in
                weightedMean({ perResample[$0].map { formula.value($0[r]) } ?? .nan }, over: included)
            }
            replicates = BootstrapReplicates(values: values, settings: bootstrap, sampleCount: n,
                                             strataSizes: strata.map(\.size))
            interval = .basic(estimate: value, replicates: values, confidence: bootstrap.confidence,
                              range: formula.measure.range)
        }
        return (MeasureEstimate(measure: formula.measure, value: value, n: n, pValues: pValues, interval: interval,
                                replicates: replicates), warning)
    }

    /// The within-strata statistic of `formula` as a function of the permuted
    /// block sums vAB(π) of the included strata (their other products are
    /// invariant under within-stratum permutations).
    func permutationStatistic(_ formula: MeasureFormula, included: [Int]) -> @Sendable ([Double]) -> Double {
        let fixed = included.compactMap { perStratum[$0] }
        let sizes = included.map { Double(strata[$0].size) }
        let total = sizes.reduce(0, +)
        return { sums in
            var t = 0.0
            for k in sums.indices {
                var p = fixed[k]
                p.vAB = sums[k]
                t += sizes[k] * formula.value(p)
            }
            return t / total
        }
    }
}
