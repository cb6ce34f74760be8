/// The difference of one measure between two stages on the same samples
/// (raw − RegBN, raw − OLS) with a paired bootstrap interval.
///
/// Both estimates must come from bootstraps with the same settings on the same
/// n samples: resample r then draws the same samples for both stages, and the
/// replicate of the difference is aᵣ − bᵣ. Pairing is what makes the interval
/// of the difference much narrower than the two separate intervals suggest: the
/// samples' common part of the variation cancels. The point estimate is
/// exactly a − b of the two point estimates.
public enum PairedDifference {
    /// a − b with the basic bootstrap interval of the paired replicates.
    /// - Throws: `DiagnosticsError.unpairedBootstrap` when the measures, sample
    ///   counts, bootstrap settings or strata differ.
    public static func between(_ a: MeasureEstimate, _ b: MeasureEstimate) throws -> MeasureEstimate {
        guard a.measure == b.measure else {
            throw DiagnosticsError.unpairedBootstrap(reason: "different measures (\(a.measure.rawValue), \(b.measure.rawValue))")
        }
        guard a.n == b.n else {
            throw DiagnosticsError.unpairedBootstrap(reason: "different sample counts (\(a.n), \(b.n))")
        }
        let value = a.value - b.value
        guard value.isFinite else {
            let reason = [a.reason, b.reason].compactMap { $0 }.joined(separator: "; ")
            return .unavailable(a.measure, n: a.n, reason: reason.isEmpty ? "a stage's value is not finite" : reason)
        }
        guard let ra = a.replicates, let rb = b.replicates else {
            if (a.replicates == nil) != (b.replicates == nil) {
                throw DiagnosticsError.unpairedBootstrap(reason: "only one of the two estimates was bootstrapped")
            }
            return MeasureEstimate(measure: a.measure, value: value, n: a.n)
        }
        guard ra.settings == rb.settings, ra.sampleCount == rb.sampleCount, ra.strataSizes == rb.strataSizes,
              ra.values.count == rb.values.count else {
            throw DiagnosticsError.unpairedBootstrap(reason: "the two bootstraps differ in settings, samples or strata")
        }
        let differences = zip(ra.values, rb.values).map { $0 - $1 }
        let range = a.measure.range
        let width = range.upperBound - range.lowerBound
        return MeasureEstimate(
            measure: a.measure, value: value, n: a.n,
            interval: .basic(estimate: value, replicates: differences, confidence: ra.settings.confidence,
                             range: -width...width),
            replicates: BootstrapReplicates(values: differences, settings: ra.settings, sampleCount: ra.sampleCount,
                                            strataSizes: ra.strataSizes))
    }
}
