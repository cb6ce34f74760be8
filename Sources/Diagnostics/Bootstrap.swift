import Linalg
import SeededRandom

/// Settings of the seeded nonparametric bootstrap behind every confidence interval.
public struct BootstrapSettings: Sendable, Equatable {
    /// R, the number of resamples.
    public let resamples: Int
    /// Resample r draws n sample indices with replacement from `SplitMix64(seed:stream: r)`:
    /// the same (seed, r, n) give the same resample in every stage, which is what
    /// pairs the bootstrap of two stages (`PairedDifference`).
    public let seed: UInt64
    /// Nominal coverage of the interval, in (0, 1).
    public let confidence: Double

    public init(resamples: Int = 200, seed: UInt64 = 0, confidence: Double = 0.95) {
        self.resamples = resamples
        self.seed = seed
        self.confidence = confidence
    }

    func validate() throws {
        try InputValidation.requirePositive(resamples, "bootstrap resamples")
        guard confidence > 0, confidence < 1 else {
            throw DiagnosticsError.invalidSetting(name: "confidence", value: "\(confidence)",
                                                  requirement: "must lie strictly between 0 and 1")
        }
    }
}

/// The bootstrap distribution of one measure: replicate r is the measure on resample r.
public struct BootstrapReplicates: Sendable, Equatable {
    /// One value per resample; NaN where the measure is undefined on that resample.
    public let values: [Double]
    public let settings: BootstrapSettings
    /// Samples in the data that were resampled.
    public let sampleCount: Int
    /// Resampled within strata of these sizes (nil: the whole sample); pairing needs the same strata.
    public let strataSizes: [Int]?
}

/// A basic (reflected) bootstrap interval (Davison & Hinkley 1997, eq. 5.6):
/// ```
/// [2θ̂ − θ*₍₁₋α/₂₎, 2θ̂ − θ*₍α/₂₎]   clipped to the measure's range
/// ```
/// with θ* the replicates' quantiles (linear interpolation, numpy's default).
///
/// Why basic and not percentile: a resample repeats rows, and repeated rows
/// look dependent to every distance- and kernel-based measure, so replicates sit
/// above the estimate by about as much as the estimate sits above the truth.
/// The percentile interval [θ*₍α/₂₎, θ*₍₁₋α/₂₎] inherits that bias twice over
/// (issue 13 measured 9/40 coverage for dCor); the basic interval reflects the
/// replicates around θ̂ and so subtracts the bootstrap's estimate of the bias.
/// It contains θ̂ whenever θ̂ lies between the two replicate quantiles; when the
/// resampling bias exceeds the replicates' spread (near-independent data with a
/// V-statistic such as dCor at small n) the whole interval lies below θ̂.
public struct ConfidenceInterval: Sendable, Equatable {
    public enum Method: String, Sendable {
        /// The basic (reflected) interval above.
        case basic = "bootstrap-basic"
        /// Projection of a simultaneous max-t band (see `ChannelCorrelation`), for a maximum.
        case maxT = "bootstrap-max-t"
    }

    public let low: Double
    public let high: Double
    public let confidence: Double
    /// Replicates the interval was formed from (finite ones).
    public let replicatesUsed: Int
    public let resamples: Int
    public let method: Method

    /// `ci_method` of summary.csv, e.g. `bootstrap-basic:200:0.95`.
    public var methodLabel: String {
        "\(method.rawValue):\(resamples):\(String(describing: confidence))"
    }

    public func contains(_ value: Double) -> Bool { low <= value && value <= high }

    /// The basic interval of `estimate` from `replicates`; nil when the estimate
    /// is NaN or fewer than two replicates are finite.
    static func basic(estimate: Double, replicates: [Double], confidence: Double,
                      range: ClosedRange<Double>) -> ConfidenceInterval? {
        guard estimate.isFinite else { return nil }
        var finite = replicates.filter(\.isFinite)
        guard finite.count >= 2 else { return nil }
        finite.sort()
        let alpha = 1 - confidence
        let low = 2 * estimate - quantile(sorted: finite, 1 - alpha / 2)
        let high = 2 * estimate - quantile(sorted: finite, alpha / 2)
        return ConfidenceInterval(low: min(max(low, range.lowerBound), range.upperBound),
                                  high: min(max(high, range.lowerBound), range.upperBound),
                                  confidence: confidence, replicatesUsed: finite.count, resamples: replicates.count,
                                  method: .basic)
    }
}

/// The q-quantile of sorted values with linear interpolation between order
/// statistics (Hyndman & Fan type 7, numpy.quantile's default).
func quantile(sorted values: [Double], _ q: Double) -> Double {
    let h = Double(values.count - 1) * q
    let below = Int(h.rounded(.down))
    let above = min(below + 1, values.count - 1)
    return values[below] + (h - Double(below)) * (values[above] - values[below])
}

/// Resample counts: column c of the n × |resamples| result holds how often each
/// sample is drawn in resample `resamples.lowerBound + c` (n draws with replacement
/// from `SplitMix64(seed:stream: r)`; all R resamples by default). A resample is a
/// reweighting of the samples, so statistics of it follow from the full-sample
/// kernels without gathering any rows (`resampledProducts`), and any subset of the
/// resamples (a rank's share) is drawn exactly as in the whole set.
func bootstrapWeights(n: Int, settings: BootstrapSettings, threads: Int,
                      resamples: Range<Int>? = nil) -> Matrix<Double> {
    stratifiedBootstrapWeights(groups: [Array(0..<n)], settings: settings, threads: threads, resamples: resamples)[0]
}

/// Counts for a bootstrap that resamples within each group (stratum): one
/// nᵍ × |resamples| matrix per group, rows in the group's order. Resample r draws
/// the groups in order from one generator `SplitMix64(seed:stream: r)`.
func stratifiedBootstrapWeights(groups: [[Int]], settings: BootstrapSettings, threads: Int,
                                resamples: Range<Int>? = nil) -> [Matrix<Double>] {
    let indices = resamples ?? 0..<settings.resamples
    let r = indices.count
    var running = [0]
    for g in groups { running.append(running[running.count - 1] + g.count) }
    let offsets = running, total = running[running.count - 1]
    var counts = [Double](repeating: 0, count: total * r)
    withShared(&counts) { c in
        Parallel.forEachChunk(r, threads: threads) { column in
            var generator = SplitMix64(seed: settings.seed, stream: indices.lowerBound + column)
            for (g, group) in groups.enumerated() {
                for draw in generator.sampleWithReplacement(group.count, from: group.count) {
                    c[(offsets[g] + draw) * r + column] += 1
                }
            }
        }
    }
    return groups.indices.map { g in
        Matrix(rows: groups[g].count, columns: r,
               storage: Array(counts[(offsets[g] * r)..<(offsets[g + 1] * r)]))
    }
}
