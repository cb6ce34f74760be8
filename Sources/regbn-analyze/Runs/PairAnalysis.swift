import Diagnostics

/// One operand pair (`f~g`, `x~y`, `f~confounder`…) measured in several
/// stages, on the same subsample rows, plus the differences raw − stage that
/// the paired bootstrap gives: the rows of summary.csv with this `pair`.
struct PairAnalysis {
    /// Roles of the two operands; the pair is `x~y`.
    let x: String
    let y: String
    /// Roles of the categorical operands and their label counts, in pair order.
    let labelCounts: [(role: String, levels: Int)]
    /// The `condition` of the within-strata rows, when strata were given.
    let strataCondition: String?
    private(set) var stages: [MeasuredStage] = []

    struct MeasuredStage {
        let stage: Stage
        let report: DependenceReport
        /// What the stage adds to the settings column (a baseline's ridge, the null's seed).
        let note: String?
    }

    /// `raw − stage` of every measure, marginal and within strata.
    struct Difference {
        let stage: Stage
        /// The stage subtracted from raw.
        let of: Stage
        let estimates: [MeasureEstimate]
        let withinStrata: [MeasureEstimate]
        /// Measures that could not be paired, and why.
        let failures: [String]
    }

    /// `x` is the first operand as any stage measures it (its role and kind stay the same).
    init(x: MeasuredOperand, y: MeasuredOperand, strataCondition: String?) {
        self.x = x.role
        self.y = y.role
        labelCounts = [x, y].compactMap { operand in
            guard case .categorical(let labels) = operand.operand else { return nil }
            return (operand.role, labels.levelCount)
        }
        self.strataCondition = strataCondition
    }

    var pair: String { "\(x)~\(y)" }

    mutating func add(_ stage: Stage, _ report: DependenceReport, note: String? = nil) {
        stages.append(MeasuredStage(stage: stage, report: report, note: note))
    }

    func report(_ stage: Stage) -> DependenceReport? {
        stages.first { $0.stage == stage }?.report
    }

    /// raw − stage for every stage that has a difference stage. Two stages
    /// measured on the same samples with the same bootstrap always pair; a
    /// measure whose within-strata estimates used different strata in the two
    /// stages (a stratum excluded in one only) cannot, and gets a `nan` row
    /// whose reason says so.
    func differences() -> [Difference] {
        guard let raw = report(.raw) else { return [] }
        return stages.compactMap { measured in
            guard let stage = measured.stage.differenceFromRaw else { return nil }
            var failures: [String] = []
            let marginal = Self.paired(raw.estimates, measured.report.estimates, failures: &failures)
            let within = Self.paired(raw.withinStrata, measured.report.withinStrata, failures: &failures)
            return Difference(stage: stage, of: measured.stage, estimates: marginal, withinStrata: within,
                              failures: failures)
        }
    }

    private static func paired(_ a: [MeasureEstimate], _ b: [MeasureEstimate],
                               failures: inout [String]) -> [MeasureEstimate] {
        a.compactMap { first in
            guard let second = b.first(where: { $0.measure == first.measure }) else { return nil }
            do {
                return try PairedDifference.between(first, second)
            } catch {
                failures.append("\(first.measure.rawValue): \(error)")
                return MeasureEstimate(measure: first.measure, value: .nan, n: first.n, reason: "\(error)")
            }
        }
    }
}
