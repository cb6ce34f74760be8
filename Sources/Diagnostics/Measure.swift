/// The dependence measures of summary.csv, by their report names.
public enum Measure: String, Sendable, CaseIterable, Comparable {
    case hsicBiased = "hsic_b"
    case hsicUnbiased = "hsic_u"
    case hsicNormalized = "hsic_normalized"
    case ckaLinear = "cka_linear"
    case distanceCorrelation = "dcor"
    case distanceCorrelationU2 = "dcor_u2"
    case crosscorrMeanAbs = "crosscorr_mean_abs"
    case crosscorrMaxAbs = "crosscorr_max_abs"
    case crosscorrRMS = "crosscorr_rms"

    /// The fewest samples the estimator is defined for: 2 for a V-statistic (one
    /// pair) and a correlation, 4 for the U-statistics (they divide by n − 3).
    /// The gamma test needs 6 (`GaussianHSIC.gammaTestMinimumSamples`).
    public var minimumSamples: Int {
        switch self {
        case .hsicUnbiased, .distanceCorrelationU2: return 4
        default: return 2
        }
    }

    /// The values the measure can take; bootstrap intervals are clipped to it
    /// (clipping never removes a value the measure can have, so coverage is kept).
    public var range: ClosedRange<Double> {
        switch self {
        case .hsicBiased: return 0...1          // bounded kernels, |k| ≤ 1
        case .hsicUnbiased: return -1...1
        case .distanceCorrelationU2: return -1...1
        case .hsicNormalized, .ckaLinear, .distanceCorrelation,
             .crosscorrMeanAbs, .crosscorrMaxAbs, .crosscorrRMS: return 0...1
        }
    }

    public static func < (a: Measure, b: Measure) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How a p-value was obtained (`p_method` of summary.csv).
public enum PValueMethod: Sendable, Equatable {
    /// Gretton et al. (2008) gamma approximation of HSIC's null distribution.
    case gamma
    /// Seeded permutation test with R permutations of y's rows.
    case permutation(Int)
    /// The same with y permuted only within strata (conditional independence given the strata).
    case stratifiedPermutation(Int)

    public var label: String {
        switch self {
        case .gamma: return "gamma"
        case .permutation(let r): return "permutation:\(r)"
        case .stratifiedPermutation(let r): return "stratified-permutation:\(r)"
        }
    }
}

public struct PValue: Sendable, Equatable {
    public let method: PValueMethod
    /// NaN when the test could not be carried out (see `reason`).
    public let value: Double
    /// Why `value` is NaN, or how a degenerate case was decided (e.g. p = 1 for a constant operand).
    public let reason: String?

    public init(method: PValueMethod, value: Double, reason: String? = nil) {
        self.method = method
        self.value = value
        self.reason = reason
    }
}

/// One row's worth of a measure: the estimate, its p-values and its interval.
public struct MeasureEstimate: Sendable, Equatable {
    public let measure: Measure
    /// NaN when the measure is unavailable or undefined here (see `reason`).
    public let value: Double
    /// Samples behind the value.
    public let n: Int
    public let pValues: [PValue]
    public let interval: ConfidenceInterval?
    /// Bootstrap replicates of the measure, kept so that a paired difference
    /// (`PairedDifference`) can be formed with another stage's estimate.
    public let replicates: BootstrapReplicates?
    /// Why `value` is NaN (too few samples, 0/0 for a constant operand, a
    /// non-finite intermediate, …); nil when the value is a number.
    public let reason: String?

    public init(measure: Measure, value: Double, n: Int, pValues: [PValue] = [], interval: ConfidenceInterval? = nil,
                replicates: BootstrapReplicates? = nil, reason: String? = nil) {
        self.measure = measure
        self.value = value
        self.n = n
        self.pValues = pValues
        self.interval = interval
        self.replicates = replicates
        self.reason = reason
    }

    /// An estimate that could not be computed at all.
    static func unavailable(_ measure: Measure, n: Int, reason: String) -> MeasureEstimate {
        MeasureEstimate(measure: measure, value: .nan, n: n, reason: reason)
    }

    public var isAvailable: Bool { !value.isNaN }
}

/// Something a report reader must know about a computed measure: a constant
/// operand, a fallback bandwidth, an unavailable measure, excluded strata.
public struct DiagnosticWarning: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case constantOperand = "constant-operand"
        case tiedDistances = "tied-distances"
        case unavailable
        case strataExcluded = "strata-excluded"
        case nonFinite = "non-finite"
        case bootstrapReplicatesDropped = "bootstrap-replicates-dropped"
    }

    public let kind: Kind
    /// The measure concerned; nil when it concerns every measure of a family.
    public let measure: Measure?
    public let message: String

    public init(_ kind: Kind, measure: Measure? = nil, _ message: String) {
        self.kind = kind
        self.measure = measure
        self.message = message
    }

    public var description: String { message }
}
