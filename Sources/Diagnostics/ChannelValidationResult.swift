/// What `ChannelValidation` found for one layer: the spectra behind it, the
/// numbers derived from them, and the verdict and recommendation in words
/// (`ChannelVerdict`). Public memberwise, so that the sentences can be checked
/// on crafted spectra.
public struct ChannelValidationResult: Sendable, Equatable {
    public let channels: Int
    public let spatialShape: [Int]
    public let batchSize: Int
    /// Samples behind the channel spectrum (every row, the partial batch included).
    public let samples: Int
    /// Spectrum of the centred samples × C channel features.
    public let channelSpectrum: SpectrumSummary
    /// Spectrum of each full batch of flattened features.
    public let batches: [SpectrumSummary]
    /// The RegBN thresholding the verdict speaks of.
    public let threshold: SingularValueThreshold
    public let illConditionedThreshold: Double

    public init(channels: Int, spatialShape: [Int], batchSize: Int, samples: Int, channelSpectrum: SpectrumSummary,
                batches: [SpectrumSummary], threshold: SingularValueThreshold = .official,
                illConditionedThreshold: Double = WorkingPrecision.float64.illConditionedThreshold) {
        self.channels = channels
        self.spatialShape = spatialShape
        self.batchSize = batchSize
        self.samples = samples
        self.channelSpectrum = channelSpectrum
        self.batches = batches
        self.threshold = threshold
        self.illConditionedThreshold = illConditionedThreshold
    }

    /// Shares of the channel-feature variance the recommendation keeps.
    public static let varianceShares = [0.9, 0.99]

    /// C·∏spatial, the width RegBN flattens a sample to.
    public var featuresPerSample: Int { spatialShape.reduce(channels, *) }
    /// b / (C·∏spatial): below 1, no batch can span every feature direction.
    public var batchToFeatureRatio: Double { Double(batchSize) / Double(featuresPerSample) }
    /// A batch can have full column rank (rank = features per sample) only
    /// when it has at least as many samples as features.
    public var fullRankPossible: Bool { featuresPerSample <= batchSize }
    /// The most singular values a batch can have above zero: min(b, C·∏spatial).
    public var batchRankLimit: Int { min(batchSize, featuresPerSample) }

    public var channelEffectiveRank: Double { channelSpectrum.effectiveRank }
    /// Whether the channel features vary at all (a constant layer has nothing to analyse).
    public var channelsVary: Bool { (channelSpectrum.singularValues.first ?? 0) > 0 }

    /// The fewest principal components of the channel features that keep
    /// `share` of their variance (Σ s² of the centred channel features):
    /// the smallest channel count a linear recombination of the channels (a
    /// 1×1 projection) could have at that share. 0 when nothing varies.
    public func channelCount(keeping share: Double) -> Int {
        guard channelsVary else { return 0 }
        let energy = channelSpectrum.cumulativeEnergy
        return (energy.firstIndex { $0 >= share } ?? energy.count - 1) + 1
    }

    public var channelsFor90PercentVariance: Int { channelCount(keeping: Self.varianceShares[0]) }
    public var channelsFor99PercentVariance: Int { channelCount(keeping: Self.varianceShares[1]) }

    /// Batches whose numerical rank is below min(b, C·∏spatial).
    public var rankDeficientBatches: Int { batches.filter { $0.flags.contains(.rankDeficient) }.count }
    /// Batches whose condition number exceeds the precision's threshold.
    public var illConditionedBatches: Int { batches.filter { $0.flags.contains(.illConditioned) }.count }
    /// Per batch, how many singular values RegBN's thresholding would replace.
    public var replacedPerBatch: [Int] { batches.map { threshold.replacedCount($0.singularValues) } }

    public var verdict: String { ChannelVerdict(self).verdict }
    public var recommendation: String { ChannelVerdict(self).recommendation }
}
