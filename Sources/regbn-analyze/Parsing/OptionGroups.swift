import RegBN

/// Option groups shared by several subcommands (argument-parser's
/// `@OptionGroup`): one definition, one help text, one default each.
enum OptionGroups {
    static let layout = OptionSpec(
        "layout", .choice(["nchw", "nhwc"]), default: "nchw",
        help: "Axis order of the feature datasets after the sample axis; nhwc is channels last (JAX/TensorFlow dumps).")

    static let quiet = OptionSpec("quiet", .flag, help: "Do not print progress on stderr.")
    static let force = OptionSpec("force", .flag, help: "Replace the output if it already exists.")
    static let latex = OptionSpec("latex", .flag, help: "Also write summary.tex, a booktabs table of summary.csv.")

    static func out(_ help: String, required: Bool = true, valueName: String = "dir") -> OptionSpec {
        OptionSpec("out", .string, valueName: valueName, required: required, help: help)
    }

    static func batchSize(_ help: String) -> OptionSpec {
        OptionSpec("batch-size", .integer(minimum: 1), valueName: "b", required: true, help: help)
    }

    /// The official module's defaults, taken from the library so that the
    /// command line and `RegBNConfiguration` cannot disagree.
    static let officialDefaults = RegBNConfiguration(fChannels: 1, gChannels: 1)

    /// Every setting of the official RegBN module (kebab-case names, official
    /// defaults) plus this tool's training-emulation and solver choices.
    static let regbn: [OptionSpec] = [
        batchSize("Mini-batch size of the emulated training. The last incomplete batch of each epoch is dropped (DataLoader drop_last=True) unless --keep-last-batch is given."),
        OptionSpec("epochs", .integer(minimum: 1), valueName: "e", required: true,
                   help: "Number of training epochs to emulate."),
        OptionSpec("shuffle", .seed, valueName: "seed",
                   help: "Shuffle the training samples each epoch with this seed (default: file order). The order used is written to the output (/order), so the run can be replayed with --order."),
        OptionSpec("order", .dataset,
                   help: "Replay a logged run's sample order: an integer dataset [epochs, N] (a permutation per epoch) or the flat sequence of sample indices consumed batch by batch."),
        OptionSpec("first-epoch", .integer(minimum: 0), valueName: "k", default: "0",
                   help: "The n_epoch passed to the module at the first epoch; later epochs count up from it. The official example passes 1 (for epoch in range(1, epochs + 1))."),
        OptionSpec("keep-last-batch", .flag,
                   help: "Train on each epoch's final partial batch too, with steps_per_epoch = ceil(N/b), as the official example's DataLoader (drop_last=False) does."),
        layout,
        OptionSpec("normalize-input", .boolean, default: String(officialDefaults.normalizeInput),
                   help: "Normalise the inputs (BatchNorm over channels for 2-3 spatial dims, else LayerNorm)."),
        OptionSpec("normalize-output", .boolean, default: String(officialDefaults.normalizeOutput), help: "LayerNorm both outputs."),
        OptionSpec("affine", .boolean, default: String(officialDefaults.affine), help: "Give the normalisation layers affine parameters (initial identity)."),
        OptionSpec("sigma-thr", .real(positive: false), valueName: "x", default: String(officialDefaults.sigmaThr),
                   help: "Relative threshold: singular values <= sigma-thr * max are replaced by sigma-min."),
        OptionSpec("sigma-min", .real(positive: false), valueName: "x", default: String(officialDefaults.sigmaMin),
                   help: "Replacement for thresholded singular values."),
        OptionSpec("beta1", .unitInterval, valueName: "x", default: String(officialDefaults.beta1), help: "First-moment decay of the running-W blend."),
        OptionSpec("beta2", .unitInterval, valueName: "x", default: String(officialDefaults.beta2), help: "Second-moment decay of the running-W blend."),
        OptionSpec("momentum", .real(positive: false), valueName: "x", default: String(officialDefaults.momentum), help: "Step size of the running-W blend."),
        OptionSpec("precision", .choice(["float32", "float64"]), default: "float64",
                   help: "Arithmetic precision; float32 follows the official code's float32 numerics."),
        OptionSpec("lambda-solver", .choice(["lbfgs", "root"]), valueName: "solver", default: "lbfgs",
                   help: "lbfgs reproduces the official search (quirks included); root solves the same objective exactly."),
        OptionSpec("lambda-from", .dataset,
                   help: "Replay one logged lambda per training step from this dataset instead of searching (0 = the lambda = 0 fallback)."),
    ]

    /// Dependence-statistic settings; `x`/`y` name the two inputs in `--sigma-<x>`.
    static func diagnostics(x: String, y: String) -> [OptionSpec] {
        [
            OptionSpec("permutations", .integer(minimum: 0), valueName: "r", default: "200",
                       help: "Permutations for the HSIC and dCor permutation tests (0: gamma approximation only)."),
            OptionSpec("seed", .seed, default: "0", help: "Seed of the permutation tests."),
            OptionSpec("max-samples", .integer(minimum: 4), valueName: "n", default: "5000",
                       help: "Exact kernels use at most this many samples (evenly strided, deterministic)."),
            OptionSpec("sigma-\(x)", .real(positive: true), valueName: "x",
                       help: "Gaussian kernel bandwidth for \(x) (default: median heuristic)."),
            OptionSpec("sigma-\(y)", .real(positive: true), valueName: "x",
                       help: "Gaussian kernel bandwidth for \(y) (default: median heuristic)."),
        ]
    }

    static func feature(_ name: String, _ help: String, required: Bool = true) -> OptionSpec {
        OptionSpec(name, .dataset, required: required, help: help)
    }
}
