import Diagnostics
import HDF5IO
import RegBN

/// Typed, validated settings of each subcommand: what `parse` hands to the
/// commands. Absent options carry their documented defaults; the builders
/// that fill them from the command line are in `CommandSpecs.swift` and the
/// option groups' files.

/// Settings of the official RegBN module plus the training emulation.
struct RegBNSettings: Sendable, Equatable {
    var batchSize: Int
    var epochs: Int
    var shuffleSeed: UInt64?
    var layout: FeatureLayout
    var normalizeInput: Bool
    var normalizeOutput: Bool
    var affine: Bool
    var sigmaThr: Double
    var sigmaMin: Double
    var beta1: Double
    var beta2: Double
    var momentum: Double
    var precision: WorkingPrecision
    var lambdaSolver: LambdaSolver
    var lambdaFrom: DatasetArgument?
    /// `n_epoch` of the first epoch (the official example passes 1).
    var firstEpoch = 0
    /// Train on each epoch's final partial batch (DataLoader `drop_last=False`).
    var keepLastBatch = false
    /// A logged run's sample order, replacing file order or `shuffleSeed`.
    var order: DatasetArgument? = nil
    /// g holds one integer label per sample, which RegBN sees one-hot encoded.
    var gCategorical = false
}

/// Settings of the dependence statistics.
struct DiagnosticSettings: Sendable, Equatable {
    var permutations = 200
    /// Bootstrap resamples; 0: no intervals.
    var bootstrap = 200
    var confidence = 0.95
    var seed: UInt64 = 0
    var maxSamples = 5000
    var subsample = SubsampleRule.random
    var subsampleSeed: UInt64 = 0
    var sigmaX: Double?
    var sigmaY: Double?
    /// Labels whose strata add the within-strata rows.
    var strata: DatasetArgument?
}

/// `--name-f/--name-g` (`--name-x/--name-y`): how the report names the two
/// operands; nil: their dataset paths.
struct OperandNames: Sendable, Equatable {
    var x: String?
    var y: String?
}

/// `--baselines`: regress-out stages computed beside RegBN.
enum Baseline: String, Sendable, CaseIterable, Comparable {
    case none
    case ols
    case olsBatch = "ols-batch"

    static func < (a: Baseline, b: Baseline) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// `--confounder`: metadata whose dependence on f and g the audit reports.
struct ConfounderSettings: Sendable, Equatable {
    var dataset: DatasetArgument
    var categorical = false
}

/// Where and how a report is written.
struct ReportSettings: Sendable, Equatable {
    var directory: String
    var force = false
    var latex = false
    var quiet = false
}

struct InspectOptions: Sendable, Equatable {
    var file: String
    var json = false
}

struct NormalizeOptions: Sendable, Equatable {
    var f: DatasetArgument
    var g: DatasetArgument
    var evalF: DatasetArgument?
    var evalG: DatasetArgument?
    var regbn: RegBNSettings
    var out: String
    var force = false
    var quiet = false
    /// Also write the training-mode outputs of every step (/train/f, /train/g).
    var saveTrainingOutputs = false
    /// Element type of the written features and W; nil: the working precision.
    var outDType: WorkingPrecision? = nil
    var compression = OutputCompression.gzip(level: OutputCompression.defaultLevel)
    var dryRun = false
    /// Let batches holding NaN through RegBN unchanged, as the official module does.
    var allowNaN = false
}

struct AuditOptions: Sendable, Equatable {
    var f: DatasetArgument
    var g: DatasetArgument
    var regbn: RegBNSettings
    var diagnostics: DiagnosticSettings
    var report: ReportSettings
    var names = OperandNames()
    var confounder: ConfounderSettings? = nil
    /// The regress-out stages besides raw and regbn, in report order (no `.none`).
    var baselines: [Baseline] = []
    /// ε of the regress-out baselines relative to the mean eigenvalue of GcᵀGc.
    var olsRidge = 0.0
    var dryRun = false
}

struct DependenceOptions: Sendable, Equatable {
    var x: DatasetArgument
    var y: DatasetArgument
    var layout: FeatureLayout
    var diagnostics: DiagnosticSettings
    var report: ReportSettings
    var names = OperandNames()
    var xCategorical = false
    var yCategorical = false
    var dryRun = false
}

struct SpectrumOptions: Sendable, Equatable {
    var x: DatasetArgument
    var batchSize: Int
    var layout: FeatureLayout
    var report: ReportSettings
    var name: String? = nil
}

struct ChannelsOptions: Sendable, Equatable {
    /// The layers or variants compared, in command-line order.
    var inputs: [DatasetArgument]
    /// One per input: `--name`, or the dataset as given.
    var names: [String]
    var batchSize: Int
    var layout: FeatureLayout
    /// RegBN's sigma_THR and sigma_MIN, whose effect the verdict describes.
    var sigmaThr: Double
    var sigmaMin: Double
    /// nil: print the verdicts only.
    var report: ReportSettings?
    var quiet = false
}

struct DemoOptions: Sendable, Equatable {
    var out: String
    var epochs: Int
    var permutations = 200
    var bootstrap = 200
    var force = false
    var quiet = false
}
