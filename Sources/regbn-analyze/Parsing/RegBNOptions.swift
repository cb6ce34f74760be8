import Diagnostics
import RegBN

/// Every setting of the official RegBN module (kebab-case names, official
/// defaults) plus this tool's training emulation and solver choices, shared by
/// `normalize` and `audit`.
enum RegBNOptions {
    /// The official module's defaults, taken from the library so that the
    /// command line and `RegBNConfiguration` cannot disagree.
    static let officialDefaults = RegBNConfiguration(fChannels: 1, gChannels: 1)

    static let batchSize = OptionGroups.batchSize(
        "Mini-batch size of the emulated training. Each epoch trains on floor(N / b) full batches in order; "
            + "the last incomplete batch is dropped (as DataLoader's drop_last=True would; the official example "
            + "keeps it). The inference pass covers every sample.")
    static let epochs: Option<Int> = .required(
        "epochs", .integer(OptionGroups.epochCounts), placeholder: "e", help: "Number of training epochs to emulate.")
    static let shuffle: Option<UInt64?> = .optional(
        "shuffle", .seed, help: "Shuffle the training samples each epoch with this seed (default: file order).")
    static let normalizeInput = official(
        "normalize-input", \.normalizeInput,
        "Normalise the inputs (BatchNorm over channels for 2-3 spatial dims, else LayerNorm).")
    static let normalizeOutput = official("normalize-output", \.normalizeOutput, "LayerNorm both outputs.")
    static let affine = official(
        "affine", \.affine, "Give the normalisation layers affine parameters (initial identity).")
    static let sigmaThr = official(
        "sigma-thr", \.sigmaThr, .real(positive: false),
        "Relative threshold: singular values <= sigma-thr * max are replaced by sigma-min.")
    static let sigmaMin = official(
        "sigma-min", \.sigmaMin, .real(positive: false), "Replacement for thresholded singular values.")
    static let beta1 = official("beta1", \.beta1, .unitInterval, "First-moment decay of the running-W blend.")
    static let beta2 = official("beta2", \.beta2, .unitInterval, "Second-moment decay of the running-W blend.")
    static let momentum = official(
        "momentum", \.momentum, .real(positive: false), "Step size of the running-W blend.")
    static let precision: Option<WorkingPrecision> = .defaulted(
        "precision", .oneOf([WorkingPrecision.float32, .float64], placeholder: "precision"), default: .float64,
        help: "Arithmetic precision; float32 follows the official code's float32 numerics.")
    static let lambdaSolver: Option<LambdaSolver> = .defaulted(
        "lambda-solver", .oneOf(LambdaSolver.self, placeholder: "solver"), default: .lbfgs,
        help: "lbfgs reproduces the official search (quirks included); root solves the same objective exactly.")
    static let lambdaFrom = OptionGroups.optionalFeature(
        "lambda-from",
        "Replay one logged lambda per training step from this dataset instead of searching (0 = the lambda = 0 fallback).")

    static let all: [any DeclaredOption] = [
        batchSize, epochs, shuffle, OptionGroups.layout, normalizeInput, normalizeOutput, affine,
        sigmaThr, sigmaMin, beta1, beta2, momentum, precision, lambdaSolver, lambdaFrom,
    ]

    private static func official(_ name: String, _ setting: KeyPath<RegBNConfiguration, Bool>,
                                 _ help: String) -> Option<Bool> {
        .defaulted(name, .boolean, default: officialDefaults[keyPath: setting], help: help)
    }

    private static func official(_ name: String, _ setting: KeyPath<RegBNConfiguration, Double>,
                                 _ type: ValueType<Double>, _ help: String) -> Option<Double> {
        .defaulted(name, type, default: officialDefaults[keyPath: setting], help: help)
    }
}

extension RegBNSettings {
    init(reading values: inout OptionValues) throws(UsageError) {
        self.init(
            batchSize: try values(RegBNOptions.batchSize), epochs: try values(RegBNOptions.epochs),
            shuffleSeed: try values(RegBNOptions.shuffle), layout: try values(OptionGroups.layout),
            normalizeInput: try values(RegBNOptions.normalizeInput),
            normalizeOutput: try values(RegBNOptions.normalizeOutput), affine: try values(RegBNOptions.affine),
            sigmaThr: try values(RegBNOptions.sigmaThr), sigmaMin: try values(RegBNOptions.sigmaMin),
            beta1: try values(RegBNOptions.beta1), beta2: try values(RegBNOptions.beta2),
            momentum: try values(RegBNOptions.momentum), precision: try values(RegBNOptions.precision),
            lambdaSolver: try values(RegBNOptions.lambdaSolver), lambdaFrom: try values(RegBNOptions.lambdaFrom))
    }
}
