import Diagnostics

/// The summary.csv rows of one measured pair: every stage's estimates (marginal
/// and within strata), then the paired differences, each row with its settings
/// text (kernel and σ, subsample used/total, test and bootstrap seeds, what the
/// stage did).
struct PairRows {
    let analysis: PairAnalysis
    let subsample: Subsample
    let settings: DiagnosticSettings

    var rows: [SummaryRow] {
        var rows: [SummaryRow] = []
        let differences = analysis.differences()
        let conditions: [String?] = [nil] + (analysis.strataCondition.map { [$0] } ?? [])
        for condition in conditions {
            for measured in analysis.stages {
                let estimates = condition == nil ? measured.report.estimates : measured.report.withinStrata
                for estimate in estimates {
                    rows += self.rows(estimate, stage: measured.stage, condition: condition, report: measured.report,
                                      note: measured.note)
                }
            }
            guard let raw = analysis.report(.raw) else { continue }
            for difference in differences {
                let note = "paired bootstrap difference raw − \(difference.of.rawValue) (same resamples in both stages)"
                for estimate in condition == nil ? difference.estimates : difference.withinStrata {
                    rows += self.rows(estimate, stage: difference.stage, condition: condition, report: raw, note: note)
                }
            }
        }
        return rows
    }

    private func rows(_ estimate: MeasureEstimate, stage: Stage, condition: String?, report: DependenceReport,
                      note: String?) -> [SummaryRow] {
        SummaryRow.rows(estimate, stage: stage, pair: analysis.pair, condition: condition ?? SummaryRow.noCondition) { p in
            var parts = [family(estimate.measure, report), subsampleText]
            if let p { parts += pValueText(p) }
            if estimate.interval != nil { parts.append("bootstrap resamples=\(settings.bootstrap), seed=\(settings.seed)") }
            if condition != nil { parts.append("within strata (size-weighted mean over strata)") }
            if let note { parts.append(note) }
            if !estimate.isAvailable, let reason = estimate.reason { parts.append("unavailable: \(reason)") }
            return parts.joined(separator: "; ")
        }
    }

    private var subsampleText: String {
        "subsample=\(subsample.used)/\(subsample.total) ("
            + (subsample.isComplete ? "all samples" : subsample.method.description) + ")"
    }

    private func pValueText(_ p: PValue) -> [String] {
        var parts: [String] = []
        switch p.method {
        case .gamma: break
        case .permutation, .stratifiedPermutation: parts.append("test seed=\(settings.seed); rule=ge (ties count)")
        }
        if let reason = p.reason { parts.append("p: \(reason)") }
        return parts
    }

    /// What the measure's family used: kernels and σ, one-hot codes, channel pairs.
    private func family(_ measure: Measure, _ report: DependenceReport) -> String {
        let roles = [(analysis.x, report.hsic?.kernelX), (analysis.y, report.hsic?.kernelY)]
        switch measure {
        case .hsicBiased, .hsicUnbiased, .hsicNormalized:
            let kernels = roles.map { role, kernel in kernel.map { describe(role, $0) } ?? "kernel_\(role)=?" }
            let gaussian = roles.contains { $0.1?.bandwidth != nil } || report.hsic == nil
            return ([gaussian ? "kernel=gaussian" : "kernel=delta"] + kernels).joined(separator: "; ")
        case .ckaLinear:
            return (["kernel=linear"] + oneHotNotes).joined(separator: "; ")
        case .distanceCorrelation, .distanceCorrelationU2:
            return (["exponent=1"] + oneHotNotes).joined(separator: "; ")
        case .crosscorrMeanAbs, .crosscorrMaxAbs, .crosscorrRMS:
            var text = "pearson of per-sample channel means"
            if let c = report.crosscorr {
                text += "; \(c.entriesUsed) channel pairs; constant channels excluded: "
                    + "\(analysis.x) \(c.constantChannelsX.count), \(analysis.y) \(c.constantChannelsY.count)"
            }
            return ([text] + oneHotNotes).joined(separator: "; ")
        }
    }

    private func describe(_ role: String, _ kernel: OperandKernel) -> String {
        switch kernel {
        case .delta(let levels): return "kernel_\(role)=delta (\(levels) labels)"
        case .gaussian(let choice):
            let sigma = "sigma_\(role)=\(CSVFormat.number(choice.sigma))"
            switch choice.method {
            case .medianHeuristic:
                return sigma + " (median of \(choice.pairsUsed) pair distances over \(choice.rowsUsed) rows"
                    + (choice.positiveDistancesOnly ? ", positive distances only)" : ")")
            case .fixed: return sigma + " (given)"
            }
        }
    }

    /// Labels enter linear measures and dCor as their full one-hot code.
    private var oneHotNotes: [String] {
        analysis.labelCounts.map { role, levels in "\(role) one-hot (\(levels) labels, none dropped)" }
    }
}
