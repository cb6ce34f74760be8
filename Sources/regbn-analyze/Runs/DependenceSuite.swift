import Diagnostics
import Linalg

/// The dependence statistics of one stage (raw or after RegBN).
struct StageMeasurement {
    let stage: String
    /// The rows of the stage's data the n×n statistics use (out of every sample).
    let subsample: Subsample
    let hsic: GaussianHSICResult
    let linear: LinearCKAResult
    let dcor: DistanceCorrelationResult
    let crosscorr: ChannelCorrelationResult
    /// Rows behind the cross-correlation (every sample, not the subsample).
    let crosscorrSamples: Int

    /// The statistics' own warnings (unavailable measures, constant operands, tied distances).
    var warnings: [String] {
        (hsic.warnings + linear.warnings + dcor.warnings).map { "\(stage) stage: \($0.message)" }
    }
}

/// Runs every dependence statistic with one set of settings and one reused
/// n×n workspace.
struct DependenceSuite {
    let settings: DiagnosticSettings
    let workspace = KernelWorkspace()

    var permutation: PermutationSettings? {
        settings.permutations > 0 ? PermutationSettings(permutations: settings.permutations, seed: settings.seed) : nil
    }

    /// `xName`/`yName` say which command-line datasets the library's `x`/`y`
    /// operands are, so its errors can name them.
    func measure(stage: String, x: StageSamples, y: StageSamples,
                 xName: String, yName: String) throws -> StageMeasurement {
        do {
            return try measure(stage: stage, x: x, y: y)
        } catch let error as DiagnosticsError {
            throw StageDiagnosticsError(stage: stage, xName: xName, yName: yName, underlying: error)
        }
    }

    private func measure(stage: String, x: StageSamples, y: StageSamples) throws -> StageMeasurement {
        let xs = x.subsampleMatrix, ys = y.subsampleMatrix
        // Rows are already the subsample; the libraries must not thin them again.
        let cap = max(xs.rows, 1)
        let hsic = try GaussianHSIC(bandwidthX: settings.sigmaX.map(Bandwidth.fixed) ?? .medianHeuristic,
                                    bandwidthY: settings.sigmaY.map(Bandwidth.fixed) ?? .medianHeuristic,
                                    maxSamples: cap, permutation: permutation)(xs, ys, workspace: workspace)
        let linear = try LinearCKA()(xs, ys)
        let dcor = try DistanceCorrelation(maxSamples: cap, permutation: permutation)(xs, ys, workspace: workspace)
        let crosscorr = try ChannelCorrelation()(x.channelMatrix, channelsX: x.channels,
                                                 y.channelMatrix, channelsY: y.channels)
        return StageMeasurement(stage: stage, subsample: x.subsample, hsic: hsic, linear: linear, dcor: dcor, crosscorr: crosscorr,
                                crosscorrSamples: x.channelMatrix.rows)
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
