import Foundation
import Linalg

/// Is a layer's channel count sensible for RegBN? Compares the effective rank
/// of the channel features (per-sample channel means, centred; Roy & Vetterli
/// 2007) with the channel count, the flattened size per sample with the batch
/// size, and counts the batches whose spectrum is flagged rank-deficient or
/// ill-conditioned. The verdict states the numbers behind it in plain language.
public struct ChannelValidation: Sendable {
    public var batchSize: Int
    public var precision: WorkingPrecision

    /// Effective rank / channels below which most channels are called redundant.
    public static let mostlyRedundantRatio = 0.2
    /// … and below which many channels are called redundant.
    public static let partlyRedundantRatio = 0.5

    public init(batchSize: Int, precision: WorkingPrecision = .float32) {
        self.batchSize = batchSize
        self.precision = precision
    }

    /// - Parameters: `x` n×(C·S) flattened channel-major; `spatialShape` only
    ///   labels the verdict (e.g. [7, 7]); its product must be S when given.
    public func callAsFunction(_ x: Matrix<Double>, channels: Int,
                               spatialShape: [Int]? = nil) throws -> ChannelValidationResult {
        try InputValidation.check(x, operand: "x", statistic: "channel validation", minimumSamples: 2)
        let features = try channelFeatures(x, channels: channels)
        let spatial = x.columns / channels
        if let spatialShape, spatialShape.reduce(1, *) != spatial {
            throw DiagnosticsError.invalidSetting(name: "spatial shape", value: "\(spatialShape)",
                                                  requirement: "its product must be \(spatial) (features per channel)")
        }
        let centred = ScaledColumns(features)
        let values = try singularValues(centred.centred).map { centred.inDataUnits($0) }
        let channelSpectrum = SpectrumSummary(singularValues: values,
                                              rows: features.rows, columns: features.columns,
                                              illConditionedThreshold: precision.illConditionedThreshold)
        let batches = try SpectrumAnalysis(batchSize: batchSize, precision: precision)(x)
        return ChannelValidationResult(channels: channels, spatialShape: spatialShape ?? (spatial > 1 ? [spatial] : []),
                                       batchSize: batchSize, channelSpectrum: channelSpectrum, batches: batches)
    }
}

public struct ChannelValidationResult: Sendable, Equatable {
    public let channels: Int
    public let spatialShape: [Int]
    public let batchSize: Int
    /// Spectrum of the centred n×C channel features.
    public let channelSpectrum: SpectrumSummary
    /// Spectrum of each full batch of flattened features.
    public let batches: [SpectrumSummary]

    public var featuresPerSample: Int { channels * spatialShape.reduce(1, *) }
    public var channelEffectiveRank: Double { channelSpectrum.effectiveRank }
    /// Batches flagged rank-deficient or ill-conditioned.
    public var flaggedBatches: Int {
        batches.filter { $0.flags.contains(.rankDeficient) || $0.flags.contains(.illConditioned) }.count
    }
    public var flaggedFraction: Double { batches.isEmpty ? .nan : Double(flaggedBatches) / Double(batches.count) }

    /// One paragraph, e.g. "64 channels, effective rank 11.3 (18 % of the
    /// channel count): most channels are redundant for this layer. 7·7·64 = 3136
    /// features per sample against batches of 50 → every batch is rank-deficient
    /// by construction. 6 of 6 batches (100 %) are flagged …".
    public var verdict: String {
        let ratio = channelEffectiveRank / Double(channels)
        let rank = String(format: "%.1f", channelEffectiveRank)
        let percent = String(format: "%.0f", 100 * ratio)
        var text = "\(channels) channels, effective rank \(rank) (\(percent) % of the channel count): "
        if channels == 1 {
            text = "1 channel: there is no channel redundancy to measure."
        } else if ratio < ChannelValidation.mostlyRedundantRatio {
            text += "most channels are redundant for this layer."
        } else if ratio < ChannelValidation.partlyRedundantRatio {
            text += "many channels are redundant for this layer."
        } else {
            text += "the channels carry largely distinct information."
        }
        let product = (spatialShape + [channels]).map(String.init).joined(separator: "·")
        let size = spatialShape.isEmpty ? "\(featuresPerSample)" : "\(product) = \(featuresPerSample)"
        let features = featuresPerSample == 1 ? "feature" : "features"
        if featuresPerSample > batchSize {
            text += " \(size) features per sample against batches of \(batchSize) → every batch is "
                + "rank-deficient by construction (at most \(batchSize) non-zero singular values)."
        } else {
            text += " \(size) \(features) per sample against batches of \(batchSize): a batch can have full rank."
        }
        let flaggedPercent = String(format: "%.0f", 100 * flaggedFraction)
        text += " \(flaggedBatches) of \(batches.count) batches (\(flaggedPercent) %) are flagged "
            + "rank-deficient or ill-conditioned."
        return text
    }
}
