import Linalg

/// Is a layer's channel count sensible for RegBN at a batch size? Looks at
/// the channel features (per-sample channel means, centred): their effective
/// rank (Roy & Vetterli 2007) and how many principal components keep 90 % and
/// 99 % of their variance; at the flattened size per sample against the batch
/// size; and at the spectrum of every full batch, as RegBN's SVD of a g batch
/// would see it. `ChannelValidationResult` states the verdict and a
/// recommendation in plain language with the numbers behind them.
///
/// Streams: `accumulator` takes the rows in any blocks (batches read from a
/// file) and holds O(C² + batch) memory, never the whole dataset.
public struct ChannelValidation: Sendable {
    public var batchSize: Int
    public var precision: WorkingPrecision
    /// RegBN's thresholding, which the verdict explains for these batches.
    public var threshold: SingularValueThreshold

    public init(batchSize: Int, precision: WorkingPrecision = .float32,
                threshold: SingularValueThreshold = .official) {
        self.batchSize = batchSize
        self.precision = precision
        self.threshold = threshold
    }

    /// A streaming validation of a layer with `channels` channels of
    /// `spatialShape` (e.g. [7, 7]; [] for vectors).
    /// - Throws: `DiagnosticsError.invalidSetting` for a batch size or channel count below 1.
    public func accumulator(channels: Int, spatialShape: [Int]) throws -> ChannelValidationAccumulator {
        try InputValidation.requirePositive(batchSize, "batch size")
        try InputValidation.requirePositive(channels, "channel count")
        let (features, overflow) = spatialShape.reduce((channels, false)) { partial, extent in
            let (product, overflows) = partial.0.multipliedReportingOverflow(by: extent)
            return (product, partial.1 || overflows)
        }
        guard spatialShape.allSatisfy({ $0 > 0 }), !overflow, features <= Int.max / max(1, batchSize) else {
            throw DiagnosticsError.invalidSetting(
                name: "spatial shape", value: "\(spatialShape)",
                requirement: "every extent must be at least 1, and a batch of \(batchSize) samples of \(channels) "
                    + "channels of that shape must be countable")
        }
        return ChannelValidationAccumulator(settings: self, channels: channels, spatialShape: spatialShape)
    }

    /// The whole validation of `x` (n × (C·S), flattened channel-major) at once.
    /// - Parameters: `spatialShape` labels the verdict (e.g. [7, 7]); its
    ///   product must be S when given, and defaults to [S] (or [] when S = 1).
    public func callAsFunction(_ x: Matrix<Double>, channels: Int,
                               spatialShape: [Int]? = nil) throws -> ChannelValidationResult {
        guard channels > 0, x.columns % channels == 0 else {
            throw DiagnosticsError.channelLayoutMismatch(operand: "x", columns: x.columns, channels: channels)
        }
        let spatial = x.columns / channels
        if let spatialShape, spatialShape.reduce(1, *) != spatial {
            throw DiagnosticsError.invalidSetting(name: "spatial shape", value: "\(spatialShape)",
                                                  requirement: "its product must be \(spatial) (features per channel)")
        }
        var accumulator = try accumulator(channels: channels, spatialShape: spatialShape ?? (spatial > 1 ? [spatial] : []))
        try accumulator.add(x)
        return try accumulator.result()
    }
}

/// RegBN's `sigma_THR` and `sigma_MIN`: the singular values s of a g batch with
/// s ≤ sigma_THR·max(s) are replaced by sigma_MIN before the ridge solve.
public struct SingularValueThreshold: Sendable, Equatable {
    /// sigma_THR, relative to the largest singular value.
    public var relative: Double
    /// sigma_MIN, the replacement.
    public var replacement: Double

    public init(relative: Double, replacement: Double) {
        self.relative = relative
        self.replacement = replacement
    }

    /// The official module's defaults (both 0).
    public static let official = SingularValueThreshold(relative: 0, replacement: 0)

    /// How many of `values` (one batch's spectrum) RegBN would replace.
    public func replacedCount(_ values: [Double]) -> Int {
        let limit = (values.max() ?? 0) * relative
        return values.filter { !($0 > limit) }.count
    }
}

/// The rows of one layer, streamed: channel features into a centred spectrum,
/// consecutive full batches into their spectra (the last partial batch is
/// dropped, as RegBN's training loop drops it).
public struct ChannelValidationAccumulator: Sendable {
    let settings: ChannelValidation
    public let channels: Int
    public let spatialShape: [Int]
    public let featuresPerSample: Int
    public private(set) var samples = 0
    private var channelSpectrum: CentredSpectrum
    private var batches: [SpectrumSummary] = []
    private var partialBatch: [Double] = []

    init(settings: ChannelValidation, channels: Int, spatialShape: [Int]) {
        self.settings = settings
        self.channels = channels
        self.spatialShape = spatialShape
        featuresPerSample = spatialShape.reduce(channels, *)
        channelSpectrum = CentredSpectrum(columns: channels)
    }

    /// Adds consecutive samples (rows × featuresPerSample, flattened channel-major).
    /// - Throws: `DiagnosticsError.channelLayoutMismatch` for another width,
    ///   `.nonFinite` with the sample's index among all rows added.
    public mutating func add(_ rows: Matrix<Double>) throws {
        guard rows.columns == featuresPerSample else {
            throw DiagnosticsError.channelLayoutMismatch(operand: "x", columns: rows.columns, channels: channels)
        }
        if let bad = rows.storage.firstIndex(where: { !$0.isFinite }) {
            throw DiagnosticsError.nonFinite(operand: "x", sample: samples + bad / rows.columns,
                                             feature: bad % rows.columns, value: rows.storage[bad])
        }
        try channelSpectrum.add(try channelFeatures(rows, channels: channels))
        samples += rows.rows
        partialBatch += rows.storage
        let batchValues = settings.batchSize * featuresPerSample
        let analysis = SpectrumAnalysis(batchSize: settings.batchSize,
                                        illConditionedThreshold: settings.precision.illConditionedThreshold)
        var start = 0
        while partialBatch.count - start >= batchValues {
            let batch = Matrix(rows: settings.batchSize, columns: featuresPerSample,
                               storage: Array(partialBatch[start..<(start + batchValues)]))
            batches += try analysis(batch)
            start += batchValues
        }
        partialBatch.removeFirst(start)
    }

    /// The validation of every sample added.
    /// - Throws: `DiagnosticsError.tooFewSamples` below 2 samples or one full batch.
    public func result() throws -> ChannelValidationResult {
        guard samples >= 2 else {
            throw DiagnosticsError.tooFewSamples(statistic: "channel validation", needed: 2, got: samples)
        }
        guard !batches.isEmpty else {
            throw DiagnosticsError.tooFewSamples(statistic: "a spectrum with batches of \(settings.batchSize)",
                                                 needed: settings.batchSize, got: samples)
        }
        let spectrum = SpectrumSummary(singularValues: try channelSpectrum.singularValues(), rows: samples,
                                       columns: channels,
                                       illConditionedThreshold: settings.precision.illConditionedThreshold)
        return ChannelValidationResult(channels: channels, spatialShape: spatialShape, batchSize: settings.batchSize,
                                       samples: samples, channelSpectrum: spectrum, batches: batches,
                                       threshold: settings.threshold,
                                       illConditionedThreshold: settings.precision.illConditionedThreshold)
    }
}
