import Diagnostics

/// summary.csv: one row per (measure, stage[, p-value method]).
enum SummaryTable {
    static let header = ["measure", "stage", "value", "p_value", "p_method", "n", "settings"]

    /// Spectrum averages of the g batches for one stage.
    struct SpectrumMeans {
        let stage: String
        let summaries: [SpectrumSummary]
        let description: String
    }

    static func build(_ stages: [StageMeasurement], spectra: [SpectrumMeans]) -> CSVTable {
        var table = CSVTable(header: header)
        for m in stages { append(m, to: &table) }
        for s in spectra {
            let n = s.summaries.count
            let settings = "\(s.description); mean over \(n) batches"
            table.append([.text("effective_rank_g"), .text(s.stage), .number(mean(s.summaries.map(\.effectiveRank))),
                          .missing, .text(""), .integer(n), .text(settings)])
            table.append([.text("stable_rank_g"), .text(s.stage), .number(mean(s.summaries.map(\.stableRank))),
                          .missing, .text(""), .integer(n), .text(settings)])
        }
        return table
    }

    private static func append(_ m: StageMeasurement, to table: inout CSVTable) {
        let h = m.hsic
        let n = h.subsample.used
        // The rows handed to the library are the stage's subsample already: report that one's totals.
        let subsample = "subsample=\(m.subsample.used)/\(m.subsample.total)"
        let kernel = "kernel=gaussian; \(describe("x", h.kernelX)); \(describe("y", h.kernelY)); \(subsample)"
        func row(_ measure: String, _ value: Double, p: Double? = nil, method: String = "", n: Int, _ settings: String) {
            table.append([.text(measure), .text(m.stage), .number(value), .optional(p), .text(method), .integer(n),
                          .text(settings)])
        }
        row("hsic_b", h.hsicBiased, p: h.gamma.pValue, method: "gamma", n: n, kernel)
        if let perm = h.permutation {
            row("hsic_b", h.hsicBiased, p: perm.pValue, method: "permutation:\(perm.permutations)", n: n,
                kernel + "; seed=\(perm.seed); rule=ge")
        }
        row("hsic_u", h.hsicUnbiased, n: n, kernel)
        row("hsic_normalized", h.normalized, n: n, kernel)
        row("cka_linear", m.linear.cka, n: m.linear.n, "kernel=linear; \(subsample)")
        let d = m.dcor
        let dcorSettings = "exponent=1; \(subsample)"
        if let perm = d.permutation {
            row("dcor", d.distanceCorrelation, p: perm.pValue, method: "permutation:\(perm.permutations)",
                n: d.subsample.used, dcorSettings + "; seed=\(perm.seed); rule=ge")
        } else {
            row("dcor", d.distanceCorrelation, n: d.subsample.used, dcorSettings)
        }
        row("dcor_u2", d.uDistanceCorrelationSquared, n: d.subsample.used, dcorSettings)
        let c = m.crosscorr
        let ccSettings = "pearson of per-sample channel means; \(c.entriesUsed) channel pairs; "
            + "constant channels excluded: f \(c.constantChannelsX.count), g \(c.constantChannelsY.count)"
        row("crosscorr_mean_abs", c.meanAbs, n: m.crosscorrSamples, ccSettings)
        row("crosscorr_max_abs", c.maxAbs, n: m.crosscorrSamples, ccSettings)
        row("crosscorr_rms", c.rms, n: m.crosscorrSamples, ccSettings)
    }

    private static func describe(_ operand: String, _ kernel: OperandKernel) -> String {
        guard let choice = kernel.bandwidth else { return "kernel_\(operand)=delta" }
        let sigma = "sigma_\(operand)=\(CSVFormat.number(choice.sigma))"
        switch choice.method {
        case .medianHeuristic: return sigma + " (median of \(choice.pairsUsed) pairs over \(choice.rowsUsed) rows)"
        case .fixed: return sigma + " (given)"
        }
    }

    private static func mean(_ values: [Double]) -> Double {
        let finite = values.filter(\.isFinite)
        return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
    }
}
