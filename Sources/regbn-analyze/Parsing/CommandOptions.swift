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
}

/// Settings of the dependence statistics.
struct DiagnosticSettings: Sendable, Equatable {
    var permutations = 200
    var seed: UInt64 = 0
    var maxSamples = 5000
    var sigmaX: Double?
    var sigmaY: Double?
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
}

struct AuditOptions: Sendable, Equatable {
    var f: DatasetArgument
    var g: DatasetArgument
    var regbn: RegBNSettings
    var diagnostics: DiagnosticSettings
    var report: ReportSettings
}

struct DependenceOptions: Sendable, Equatable {
    var x: DatasetArgument
    var y: DatasetArgument
    var layout: FeatureLayout
    var diagnostics: DiagnosticSettings
    var report: ReportSettings
}

struct SpectrumOptions: Sendable, Equatable {
    var x: DatasetArgument
    var batchSize: Int
    var layout: FeatureLayout
    var report: ReportSettings
}

struct ChannelsOptions: Sendable, Equatable {
    var x: DatasetArgument
    var batchSize: Int
    var layout: FeatureLayout
    /// nil: print the verdict only.
    var report: ReportSettings?
    var quiet = false
}

struct DemoOptions: Sendable, Equatable {
    var out: String
    var epochs: Int
    var permutations = 200
    var force = false
    var quiet = false
}
