import Diagnostics

/// x as one stage left it (raw f, RegBN's output, a baseline's), with what the
/// stage adds to the settings column.
struct StagedOperand {
    let stage: Stage
    let operand: MeasuredOperand
    let note: String?
}

/// Labels whose strata add the within-strata rows, and the `condition` they get.
struct StrataLabels {
    let labels: CategoricalLabels
    let condition: String
}

/// Measures one pair in every stage: each stage's x against y, then the null
/// control (the first stage's x against y with y's samples shuffled). Each
/// stage is timed on its own in run.json.
struct PairMeasurement {
    let suite: DependenceSuite
    let progress: Progress

    func callAsFunction(_ first: StagedOperand, then others: [StagedOperand] = [], against y: MeasuredOperand,
                        strata: StrataLabels?, clock: inout Stopwatch) throws -> PairAnalysis {
        var analysis = PairAnalysis(x: first.operand, y: y, strataCondition: strata?.condition)
        let nullNote = "null control: the second operand's samples shuffled (seed \(suite.settings.seed))"
        for staged in [first] + others + [StagedOperand(stage: .null, operand: first.operand, note: nullNote)] {
            progress.note("dependence statistics, \(analysis.pair) \(staged.stage.rawValue)…")
            let report = try clock.time("diagnostics \(analysis.pair) \(staged.stage.rawValue)") {
                staged.stage == .null
                    ? try suite.null(staged.operand, y, strata: strata?.labels)
                    : try suite.measure(staged.operand, y, strata: strata?.labels, stage: staged.stage)
            }
            analysis.add(staged.stage, report, note: staged.note)
        }
        return analysis
    }
}
