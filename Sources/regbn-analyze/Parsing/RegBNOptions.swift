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
        "Mini-batch size of the emulated training. Each epoch trains on floor(N / b) full batches; "
            + "the last incomplete batch is dropped (as DataLoader's drop_last=True would) unless "
            + "--keep-last-batch is given (the official example keeps it). The inference pass covers every sample.")
    static let epochs: Option<Int> = .required(
        "epochs", .integer(OptionGroups.epochCounts), placeholder: "e", help: "Number of training epochs to emulate.")
    static let shuffle: Option<UInt64?> = .optional(
        "shuffle", .seed,
        help: "Shuffle the training samples each epoch with this seed (default: file order). normalize writes "
            + "the order it used (/order), so the run can be replayed with --order.")
    static let order = OptionGroups.optionalFeature(
        "order",
        "Replay a logged run's sample order: an integer dataset [epochs, N] (a permutation per epoch) or the "
            + "flat sequence of sample indices consumed batch by batch.")
    static let firstEpoch: Option<Int> = .defaulted(
        "first-epoch", .integer(0...1_000_000, placeholder: "k"), default: 0,
        help: "The n_epoch passed to the module at the first epoch; later epochs count up from it. "
            + "The official example passes 1 (for epoch in range(1, epochs + 1)).")
    static let keepLastBatch: Option<Bool> = .flag(
        "keep-last-batch",
        help: "Train on each epoch's final partial batch too, with steps_per_epoch = ceil(N / b), as the "
            + "official example's DataLoader (drop_last=False) does.")
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
        batchSize, epochs, shuffle, order, firstEpoch, keepLastBatch, OptionGroups.layout, normalizeInput, normalizeOutput, affine,
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
        if values.isGiven(RegBNOptions.shuffle) && values.isGiven(RegBNOptions.order) {
            throw UsageError("'--shuffle' and '--order' both choose the sample order; give one of them.",
                             subcommand: values.subcommand)
        }
        self.init(
            batchSize: try values(RegBNOptions.batchSize), epochs: try values(RegBNOptions.epochs),
            shuffleSeed: try values(RegBNOptions.shuffle), layout: try values(OptionGroups.layout),
            normalizeInput: try values(RegBNOptions.normalizeInput),
            normalizeOutput: try values(RegBNOptions.normalizeOutput), affine: try values(RegBNOptions.affine),
            sigmaThr: try values(RegBNOptions.sigmaThr), sigmaMin: try values(RegBNOptions.sigmaMin),
            beta1: try values(RegBNOptions.beta1), beta2: try values(RegBNOptions.beta2),
            momentum: try values(RegBNOptions.momentum), precision: try values(RegBNOptions.precision),
            lambdaSolver: try values(RegBNOptions.lambdaSolver), lambdaFrom: try values(RegBNOptions.lambdaFrom),
            firstEpoch: try values(RegBNOptions.firstEpoch), keepLastBatch: try values(RegBNOptions.keepLastBatch),
            order: try values(RegBNOptions.order))
    }
}
