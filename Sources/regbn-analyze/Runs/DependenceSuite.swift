import Cluster
import Diagnostics
import Linalg

/// Every dependence measure of summary.csv with one set of settings, one n×n
/// workspace reused by every call, and the subsample already applied: the
/// operands handed in are the subsample's rows, the same in every stage, so
/// the bootstraps of two stages resample the same samples and pair.
struct DependenceSuite {
    let settings: DiagnosticSettings
    let workspace = KernelWorkspace()

    var permutation: PermutationSettings? {
        settings.permutations > 0 ? PermutationSettings(permutations: settings.permutations, seed: settings.seed) : nil
    }

    var bootstrap: BootstrapSettings? {
        settings.bootstrap > 0
            ? BootstrapSettings(resamples: settings.bootstrap, seed: settings.seed, confidence: settings.confidence)
            : nil
    }

    /// x against y (and within `strata`, when given).
    func measure(_ x: MeasuredOperand, _ y: MeasuredOperand, strata: CategoricalLabels?,
                 stage: Stage) throws -> DependenceReport {
        let measures = DependenceMeasures(
            bandwidthX: settings.sigmaX.map(Bandwidth.fixed) ?? .medianHeuristic,
            bandwidthY: settings.sigmaY.map(Bandwidth.fixed) ?? .medianHeuristic,
            // The rows are the subsample already: nothing may be dropped again.
            maxSamples: max(1, x.operand.sampleCount),
            // σ's median heuristic thins rows beyond 1000 by the same rule.
            subsampleMethod: settings.subsample.method(seed: settings.subsampleSeed),
            permutation: permutation, bootstrap: bootstrap)
        do {
            // Every rank of the job takes its share of every operand's columns: the Gram matrices are added
            // up across ranks, permutations and resamples split by index (a share may be empty).
            let ranks = Ranks.communicator
            return try measures(Self.block(x.operand, ranks), Self.block(y.operand, ranks),
                                channelsX: x.channels.map { Self.block($0, ranks) },
                                channelsY: y.channels.map { Self.block($0, ranks) },
                                strata: strata, workspace: workspace, communicator: ranks)
        } catch let error as DiagnosticsError {
            throw StageDiagnosticsError(stage: stage.rawValue, xName: x.name, yName: y.name, underlying: error)
        }
    }

    /// This rank's block of an operand's columns (labels stay whole).
    private static func block(_ operand: Operand, _ ranks: any Communicator) -> Operand {
        guard ranks.size > 1, case .continuous(let m) = operand else { return operand }
        return .continuous(m.columns(ranks.share(of: m.columns)))
    }

    /// The shuffled-pairs control: x against y with y's samples permuted by
    /// the seeded `NullControl` order, which destroys any dependence and keeps
    /// both marginals.
    func null(_ x: MeasuredOperand, _ y: MeasuredOperand, strata: CategoricalLabels?) throws -> DependenceReport {
        let order = NullControl.order(count: y.operand.sampleCount, seed: settings.seed)
        return try measure(x, y.reordered(order), strata: strata, stage: .null)
    }
}

/// A statistics failure with the stage and the datasets behind `x` and `y`.
struct StageDiagnosticsError: Error, CustomStringConvertible {
    let stage: String
    let xName: String
    let yName: String
    let underlying: DiagnosticsError

    var description: String {
        "\(stage) stage, x = \(xName), y = \(yName): \(underlying)"
    }
}
