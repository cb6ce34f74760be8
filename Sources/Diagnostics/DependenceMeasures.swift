import Cluster
import Linalg

/// Every dependence measure of summary.csv for one (x, y) pair, with one set of
/// settings: the rows of one stage.
///
/// The n×n measures (HSIC, distance correlation, linear CKA) run on one
/// subsample of at most `maxSamples` rows, the same rows for all of them; the
/// channel cross-correlation runs on the channel operands given (typically the
/// per-sample channel means of every sample) or on x and y themselves.
///
/// A measure that cannot be computed at this n (too few samples: HSIC_u and
/// dCor²ᵤ need 4, the gamma test 6) is returned unavailable with the reason and a
/// warning; the others are still computed. Only when no measure can be computed
/// at all does the call throw.
public struct DependenceMeasures: SampledMeasure, Sendable {
    public var bandwidthX: Bandwidth
    public var bandwidthY: Bandwidth
    public var sampling: SampleSettings

    public init(bandwidthX: Bandwidth = .medianHeuristic, bandwidthY: Bandwidth = .medianHeuristic,
                maxSamples: Int = 5000, subsampleMethod: SubsampleMethod = .default,
                permutation: PermutationSettings? = nil, bootstrap: BootstrapSettings? = nil,
                threads: Int = defaultThreadCount) {
        self.bandwidthX = bandwidthX
        self.bandwidthY = bandwidthY
        sampling = SampleSettings(maxSamples: maxSamples, subsampleMethod: subsampleMethod, permutation: permutation,
                                  bootstrap: bootstrap, threads: threads)
    }

    /// - Parameters:
    ///   - x, y: the samples of the n×n measures (subsampled here to `maxSamples`).
    ///   - channelsX, channelsY: one feature per channel for the cross-correlation
    ///     (nil: x and y's own features); may hold more samples than x and y.
    ///   - strata: one label per sample of x and y: adds the within-strata estimates.
    ///   - communicator: the ranks the operands' columns are spread over (one by
    ///     default). Each rank passes its block of x's and y's columns (and of the
    ///     channel operands; labels and strata whole) and receives the whole report;
    ///   every rank must make the same calls in the same order.
    public func callAsFunction(_ x: Operand, _ y: Operand, channelsX: Operand? = nil, channelsY: Operand? = nil,
                               strata: CategoricalLabels? = nil, workspace: KernelWorkspace = KernelWorkspace(),
                               communicator: any Communicator = SingleProcess()) throws -> DependenceReport {
        let subsample = try sampling.subsample(x, y, strata: strata, statistic: "the dependence measures",
                                               minimumSamples: 1,
                                               layout: try BlockLayout.of(x, y, communicator: communicator))
        let xs = subsample.apply(x), ys = subsample.apply(y), ss = strata.map(subsample.apply)
        let n = subsample.used
        // The rows are the subsample already: the families must not thin them again.
        let hsic = try available {
            try GaussianHSIC(bandwidthX: bandwidthX, bandwidthY: bandwidthY, sampling: sampling.limited(to: n))(
                xs, ys, strata: ss, workspace: workspace, communicator: communicator)
        }
        let dcor = try available {
            try DistanceCorrelation(sampling: sampling.limited(to: n))(xs, ys, strata: ss, workspace: workspace,
                                                                      communicator: communicator)
        }
        let linear = try available {
            try LinearCKA(bootstrap: bootstrap, threads: threads)(xs, ys, strata: ss, workspace: workspace,
                                                                  communicator: communicator)
        }
        let crosscorr = try available {
            try ChannelCorrelation(bootstrap: bootstrap, threads: threads)(channelsX ?? xs, channelsY ?? ys,
                                                                           communicator: communicator)
        }
        let report = DependenceReport(subsample: subsample, hsic: hsic, distanceCorrelation: dcor, linearCKA: linear,
                                      crosscorr: crosscorr, crosscorrSamples: (channelsX ?? xs).sampleCount)
        guard report.estimates.contains(where: \.isAvailable) else {
            throw DiagnosticsError.tooFewSamples(statistic: "every dependence measure", needed: 2, got: n)
        }
        return report
    }

    /// The family's result, or nil when there are too few samples for any of its measures.
    private func available<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch DiagnosticsError.tooFewSamples {
            return nil
        }
    }
}

/// The measures of one stage, in summary.csv's order, with everything behind them.
public struct DependenceReport: Sendable, Equatable {
    public let subsample: Subsample
    public let hsic: GaussianHSICResult?
    public let distanceCorrelation: DistanceCorrelationResult?
    public let linearCKA: LinearCKAResult?
    public let crosscorr: ChannelCorrelationResult?
    /// Every measure of `Measure.allCases`, unavailable ones included (NaN value and a reason).
    public let estimates: [MeasureEstimate]
    /// Within-strata estimates (condition `strata=…`), when strata were given.
    public let withinStrata: [MeasureEstimate]
    public let warnings: [DiagnosticWarning]

    public func estimate(_ measure: Measure) -> MeasureEstimate? {
        estimates.first { $0.measure == measure }
    }

    init(subsample: Subsample, hsic: GaussianHSICResult?, distanceCorrelation: DistanceCorrelationResult?,
         linearCKA: LinearCKAResult?, crosscorr: ChannelCorrelationResult?, crosscorrSamples: Int) {
        self.subsample = subsample
        (self.hsic, self.distanceCorrelation, self.linearCKA, self.crosscorr) = (hsic, distanceCorrelation,
                                                                                 linearCKA, crosscorr)
        let n = subsample.used
        let computed = (hsic?.estimates ?? []) + (distanceCorrelation?.estimates ?? [])
            + (linearCKA?.estimates ?? []) + (crosscorr?.estimates ?? [])
        var warnings = (hsic?.warnings ?? []) + (distanceCorrelation?.warnings ?? [])
            + (linearCKA?.warnings ?? []) + (crosscorr?.warnings ?? [])
        estimates = Measure.allCases.map { measure in
            if let found = computed.first(where: { $0.measure == measure }) { return found }
            let samples = ChannelCorrelationResult.measures.contains(measure) ? crosscorrSamples : n
            let reason = "needs at least \(measure.minimumSamples) samples (n = \(samples))"
            warnings.append(DiagnosticWarning(.unavailable, measure: measure, "\(measure.rawValue) \(reason)"))
            return .unavailable(measure, n: samples, reason: reason)
        }
        withinStrata = (hsic?.withinStrata?.estimates ?? []) + (distanceCorrelation?.withinStrata?.estimates ?? [])
            + (linearCKA?.withinStrata?.estimates ?? [])
        self.warnings = warnings
    }
}
