/// What the exact n×n measures share: how many samples and which, the tests
/// and intervals on top, and the threads. `GaussianHSIC`, `DistanceCorrelation`
/// and `DependenceMeasures` each hold one (`sampling`), so a setting is declared,
/// defaulted and checked in one place.
public struct SampleSettings: Sendable, Equatable {
    /// Exact kernels use at most this many samples.
    public var maxSamples: Int
    /// How the `maxSamples` subsample and the median heuristic's rows are chosen.
    public var subsampleMethod: SubsampleMethod
    /// A permutation test, or none.
    public var permutation: PermutationSettings?
    /// Bootstrap intervals for every measure, or none.
    public var bootstrap: BootstrapSettings?
    public var threads: Int

    public init(maxSamples: Int = 5000, subsampleMethod: SubsampleMethod = .default,
                permutation: PermutationSettings? = nil, bootstrap: BootstrapSettings? = nil,
                threads: Int = defaultThreadCount) {
        self.maxSamples = maxSamples
        self.subsampleMethod = subsampleMethod
        self.permutation = permutation
        self.bootstrap = bootstrap
        self.threads = threads
    }

    /// The same settings for operands that are a subsample already (`n` rows), which
    /// must not be thinned again.
    func limited(to n: Int) -> SampleSettings {
        var limited = self
        limited.maxSamples = n
        return limited
    }

    /// The subsample of a call, after checking the pair, the settings and the strata
    /// (`statistic` names the measure in errors).
    func subsample(_ x: Operand, _ y: Operand, strata: CategoricalLabels?, statistic: String, minimumSamples: Int,
                   layout: BlockLayout) throws -> Subsample {
        try InputValidation.kernelSubsample(
            x, y, strata: strata, statistic: statistic, name: statistic, minimumSamples: minimumSamples,
            maxSamples: maxSamples, method: subsampleMethod, threads: threads, permutation: permutation,
            bootstrap: bootstrap, layout: layout)
    }
}

/// A measure configured by `SampleSettings`: its settings read as its own.
public protocol SampledMeasure {
    var sampling: SampleSettings { get }
}

extension SampledMeasure {
    public var maxSamples: Int { sampling.maxSamples }
    public var subsampleMethod: SubsampleMethod { sampling.subsampleMethod }
    public var permutation: PermutationSettings? { sampling.permutation }
    public var bootstrap: BootstrapSettings? { sampling.bootstrap }
    public var threads: Int { sampling.threads }
}
