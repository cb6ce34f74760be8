import Linalg

public struct ChannelCorrelationResult: Sendable, Equatable {
    /// Cx × Cy Pearson correlations; NaN in the rows/columns of constant channels.
    public let matrix: Matrix<Double>
    /// Indices of channels that are constant over the samples (excluded from the summaries).
    public let constantChannelsX: [Int]
    public let constantChannelsY: [Int]
    /// Samples behind the correlations.
    public let n: Int
    /// `crosscorr_mean_abs`, `crosscorr_max_abs`, `crosscorr_rms`, with intervals when requested.
    public let estimates: [MeasureEstimate]
    public let warnings: [DiagnosticWarning]

    private var usable: [Double] { matrix.storage.filter { !$0.isNaN } }
    /// Entries that enter the summaries.
    public var entriesUsed: Int { usable.count }
    /// Mean |r| over usable entries (NaN when there are none).
    public var meanAbs: Double { Self.summaries(of: matrix)[0] }
    public var maxAbs: Double { Self.summaries(of: matrix)[1] }
    /// √(mean r²) over usable entries.
    public var rms: Double { Self.summaries(of: matrix)[2] }

    public func estimate(_ measure: Measure) -> MeasureEstimate? {
        estimates.first { $0.measure == measure }
    }

    static let measures: [Measure] = [.crosscorrMeanAbs, .crosscorrMaxAbs, .crosscorrRMS]

    /// Mean |r|, max |r| and RMS r over the non-NaN entries (NaN when there are none).
    static func summaries(of matrix: Matrix<Double>) -> [Double] {
        let u = matrix.storage.filter { !$0.isNaN }
        guard !u.isEmpty else { return [.nan, .nan, .nan] }
        let count = Double(u.count)
        return [u.reduce(0) { $0 + abs($1) } / count, u.map(abs).max() ?? .nan,
                (u.reduce(0) { $0 + $1 * $1 } / count).squareRoot()]
    }

    init(matrix: Matrix<Double>, constantChannelsX: [Int], constantChannelsY: [Int], n: Int,
         bootstrap: BootstrapSettings?, resampled: ChannelCorrelationBootstrap?) {
        self.matrix = matrix
        self.constantChannelsX = constantChannelsX
        self.constantChannelsY = constantChannelsY
        self.n = n
        let values = Self.summaries(of: matrix)
        var warnings: [DiagnosticWarning] = []
        if !constantChannelsX.isEmpty || !constantChannelsY.isEmpty {
            warnings.append(DiagnosticWarning(
                .constantOperand, "zero-variance channels excluded from the cross-correlation: "
                    + "x \(constantChannelsX), y \(constantChannelsY)"))
        }
        estimates = Self.measures.enumerated().map { k, measure in
            guard values[k].isFinite else {
                return .unavailable(measure, n: n, reason: "every channel of x or of y is constant")
            }
            guard let bootstrap, let resampled else {
                return MeasureEstimate(measure: measure, value: values[k], n: n)
            }
            let column = resampled.summaries.map { $0[k] }
            let interval = measure == .crosscorrMaxAbs ? resampled.maxInterval
                : .basic(estimate: values[k], replicates: column, confidence: bootstrap.confidence, range: measure.range)
            return MeasureEstimate(
                measure: measure, value: values[k], n: n, interval: interval,
                replicates: BootstrapReplicates(values: column, settings: bootstrap, sampleCount: n, strataSizes: nil))
        }
        self.warnings = warnings
    }
}
