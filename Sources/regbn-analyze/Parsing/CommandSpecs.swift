/// The specification of every subcommand: arguments, options, help text, and
/// how the parsed values become its options struct.
extension Subcommand {
    var spec: CommandSpec {
        switch self {
        case .inspect: return InspectOptions.spec
        case .normalize: return NormalizeOptions.spec
        case .audit: return AuditOptions.spec
        case .dependence: return DependenceOptions.spec
        case .spectrum: return SpectrumOptions.spec
        case .channels: return ChannelsOptions.spec
        case .demo: return DemoOptions.spec
        }
    }
}

extension InspectOptions {
    static let file = Argument(name: "file", help: "The file to list (.h5, .npy, .npz or .safetensors).")
    static let json: Option<Bool> = .flag("json", help: "Print JSON instead of a table.")

    static let spec = CommandSpec(
        .inspect, abstract: "List the datasets (arrays) of an HDF5, .npy, .npz or .safetensors file.",
        discussion: "Prints path, shape, element type, storage layout, chunk shape, filters and attributes of every object.",
        arguments: [file], options: [json]
    ) { values throws(UsageError) in
        .inspect(InspectOptions(file: try values(file), json: try values(json)))
    }
}

extension NormalizeOptions {
    static let f = OptionGroups.feature("f", "Features whose dependence on g is removed.")
    static let g = OptionGroups.feature("g", "Features (or metadata) that f is regressed on.")
    static let evalF = OptionGroups.optionalFeature("eval-f", "Evaluation features f (default: --f).")
    static let evalG = OptionGroups.optionalFeature("eval-g", "Evaluation features g (default: --g).")
    static let out = OptionGroups.out("Output HDF5 file.", placeholder: "out.h5")
    static let saveTrainingOutputs: Option<Bool> = .flag(
        "save-training-outputs",
        help: "Also write the training-mode outputs of every step, concatenated in step order, as /train/f and /train/g.")

    static let allowNaN: Option<Bool> = .flag(
        "allow-nan",
        help: "Let batches that hold NaN through RegBN as the official module does: returned unchanged, with W and "
            + "the statistics untouched (λ NaN in /steps/lambda), and counted in a warning. Without it a NaN stops "
            + "the run with its location. ±infinity always stops it (it latches the official module).")

    static let spec = CommandSpec(
        .normalize, abstract: "Run RegBN over a pair of feature datasets and write the normalised features.",
        discussion: """
            Emulates training (epochs of consecutive mini-batches), then an inference pass with the \
            running W over the evaluation samples. Writes /f and /g (inference outputs), /W, \
            /steps/{epoch,epoch_arg,batch_size,lambda,fallback,iterations}, /order (the sample order \
            of every epoch), /state/norm_f|norm_g running statistics where BatchNorm is used, and a \
            root attribute `config` (JSON). /f and /g have the shapes and --layout of the inputs. \
            Everything a replay needs is recorded: --lambda-from OUT:/steps/lambda --order OUT:/order \
            with the same --first-epoch and --keep-last-batch reproduces the run. Non-finite inputs \
            stop the run with their sample index.
            """,
        options: [f, g, evalF, evalG] + RegBNOptions.all
            + [saveTrainingOutputs, allowNaN, out, outDType, compression, OptionGroups.force, OptionGroups.quiet,
               OptionGroups.dryRun]
    ) { values throws(UsageError) in
        .normalize(NormalizeOptions(
            f: try values(f), g: try values(g), evalF: try values(evalF), evalG: try values(evalG),
            regbn: try RegBNSettings(reading: &values), out: try values(out),
            force: try values(OptionGroups.force), quiet: try values(OptionGroups.quiet),
            saveTrainingOutputs: try values(saveTrainingOutputs), outDType: try values(outDType),
            compression: try values(compression), dryRun: try values(OptionGroups.dryRun),
            allowNaN: try values(allowNaN)))
    }
}

extension AuditOptions {
    static let report = OptionGroups.Report(out: OptionGroups.out("Report directory to create."), hasLatex: true)
    static let confounder = OptionGroups.optionalFeature(
        "confounder",
        "Metadata (class, site, age...) one row per sample: adds the pairs f~confounder (f of every stage) and "
            + "g~confounder, answering whether RegBN removed the confounder from f.")
    static let confounderCategorical: Option<Bool> = .flag(
        "confounder-categorical",
        help: "The confounder holds one integer label per sample: kernel measures use the delta kernel, linear "
            + "ones its one-hot code, so relabelling the classes changes nothing.")
    static let baselines: Option<[Baseline]> = .defaulted(
        "baselines", .list(of: .oneOf(Baseline.self, placeholder: "baseline")), default: [.none],
        placeholder: "list",
        help: "Regress-out stages beside RegBN: ols removes the least-squares fit of g from f over the whole "
            + "dataset, ols-batch per inference batch of --batch-size rows (the Metadata Normalization way); "
            + "each adds every measure and a difference-<stage> row.")
    static let olsRidge: Option<Double> = .defaulted(
        "ols-ridge", .real(positive: false), default: 0, placeholder: "r",
        help: "Ridge of the baselines, relative to the mean eigenvalue of g's centred normal matrix. With 0, a g "
            + "with as many features as samples (or batch rows) explains f completely.")

    static let spec = CommandSpec(
        .audit, abstract: "Run RegBN and every diagnostic on the raw pair and on the RegBN output.",
        discussion: """
            Writes a report directory atomically (nothing is left behind on failure): summary.csv, \
            crosscorr.csv, spectrum.csv, batches.csv, channels.csv, run.json, and with --latex \
            summary.tex. The raw stage is the input pair; the regbn stage pairs RegBN's inference \
            output f with the input g; null pairs f with g's rows shuffled (the estimators' floor); \
            difference is raw minus regbn with a paired bootstrap interval.
            """,
        options: [NormalizeOptions.f, NormalizeOptions.g] + RegBNOptions.all + DiagnosticOptions.fg.all
            + [confounder, confounderCategorical, baselines, olsRidge] + report.options + [OptionGroups.dryRun]
    ) { values throws(UsageError) in
        let baselines = try values(baselines)
        if baselines.contains(.none) && baselines.count > 1 {
            throw UsageError("'--baselines none' cannot be combined with other baselines.", subcommand: .audit)
        }
        let confounder = try values(confounder), categorical = try values(confounderCategorical)
        if confounder == nil && categorical {
            throw UsageError("'--confounder-categorical' only applies together with "
                             + "'\(Self.confounder.declaration.synopsis)'.", subcommand: .audit)
        }
        return .audit(AuditOptions(
            f: try values(NormalizeOptions.f), g: try values(NormalizeOptions.g),
            regbn: try RegBNSettings(reading: &values), diagnostics: try DiagnosticSettings(reading: &values, .fg),
            report: try ReportSettings(reading: &values, report), names: try OperandNames(reading: &values, .fg),
            confounder: confounder.map { ConfounderSettings(dataset: $0, categorical: categorical) },
            baselines: Array(Set(baselines)).filter { $0 != .none }.sorted(), olsRidge: try values(olsRidge),
            dryRun: try values(OptionGroups.dryRun)))
    }
}

extension DependenceOptions {
    static let x = OptionGroups.feature("x", "First feature dataset.")
    static let y = OptionGroups.feature("y", "Second feature dataset (same number of samples).")
    static let xCategorical = categorical("x")
    static let yCategorical = categorical("y")

    private static func categorical(_ operand: String) -> Option<Bool> {
        .flag("\(operand)-categorical",
              help: "\(operand) holds one integer label per sample: kernel measures use the delta kernel, linear "
                + "ones and dCor its one-hot code, so relabelling the classes changes nothing.")
    }

    static let spec = CommandSpec(
        .dependence,
        abstract: "Measure the dependence between two feature datasets (HSIC, CKA, dCor, cross-correlation).",
        discussion: """
            Writes summary.csv (stage raw: x against y; stage null: x against y with its rows shuffled, the \
            estimators' floor at this n), crosscorr.csv and run.json, atomically.
            """,
        options: [x, y, xCategorical, yCategorical, OptionGroups.layout] + DiagnosticOptions.xy.all
            + AuditOptions.report.options + [OptionGroups.dryRun]
    ) { values throws(UsageError) in
        .dependence(DependenceOptions(
            x: try values(x), y: try values(y), layout: try values(OptionGroups.layout),
            diagnostics: try DiagnosticSettings(reading: &values, .xy),
            report: try ReportSettings(reading: &values, AuditOptions.report),
            names: try OperandNames(reading: &values, .xy),
            xCategorical: try values(xCategorical), yCategorical: try values(yCategorical),
            dryRun: try values(OptionGroups.dryRun)))
    }
}

extension SpectrumOptions {
    static let x = OptionGroups.feature("x", "Feature dataset.")
    static let batchSize = OptionGroups.batchSize(
        "Rows per batch: floor(N / b) consecutive batches are analysed; the last incomplete batch is dropped.")
    static let report = OptionGroups.Report(out: OptionGroups.out("Report directory to create."), hasLatex: false)
    static let name = DiagnosticOptions.xy.nameX

    static let spec = CommandSpec(
        .spectrum, abstract: "Singular-value spectra of consecutive batches of a feature dataset.",
        discussion: "Ranks, condition numbers and flags per batch, as RegBN's SVD would see the raw batch.",
        options: [x, batchSize, OptionGroups.layout, name] + report.options
    ) { values throws(UsageError) in
        .spectrum(SpectrumOptions(
            x: try values(x), batchSize: try values(batchSize), layout: try values(OptionGroups.layout),
            report: try ReportSettings(reading: &values, report), name: try values(name)))
    }
}

extension ChannelsOptions {
    static let x: Option<[DatasetArgument]> = .repeatable(
        "x", .dataset, atLeastOnce: true,
        help: "Feature dataset of a layer. Repeat it to compare layers or variants with different channel counts.")
    static let name: Option<[String]> = .repeatable(
        "name", .text(placeholder: "name"),
        help: "Name of each --x in the table, in the same order (default: the dataset as given).")
    static let batchSize = OptionGroups.batchSize("Training batch size.")
    static let out: Option<String?> = .optional(
        "out", .text(placeholder: "dir"),
        help: "Report directory to create (optional): channels.csv, run.json and, for a single --x, the batch "
            + "spectra (spectrum.csv, batches.csv). " + OptionGroups.stagingNote)

    static let spec = CommandSpec(
        .channels, abstract: "Check whether a layer's channel count suits RegBN at a given batch size.",
        discussion: """
            For each --x: the effective rank of the channel features (per-sample channel means) against the \
            channel count, the channel counts that keep 90 % and 99 % of their variance, whether batches of \
            this size can have full rank at this flattened size, the spectrum of every full batch, and what \
            RegBN's --sigma-thr/--sigma-min do to it; then a verdict and a recommendation with the numbers \
            behind them. Several --x are compared in one table. Each dataset is read once, a batch at a time.
            """,
        options: [x, name, batchSize, OptionGroups.layout, RegBNOptions.sigmaThr, RegBNOptions.sigmaMin, out,
                  OptionGroups.force, OptionGroups.quiet]
    ) { values throws(UsageError) in
        let inputs = try values(x), given = try values(name), batchSize = try values(batchSize)
        let layout = try values(OptionGroups.layout)
        let sigmaThr = try values(RegBNOptions.sigmaThr), sigmaMin = try values(RegBNOptions.sigmaMin)
        let directory = try values(out), force = try values(OptionGroups.force), quiet = try values(OptionGroups.quiet)
        if directory == nil && force {
            throw UsageError("'--force' only applies together with '\(out.declaration.synopsis)'.", subcommand: .channels)
        }
        guard given.isEmpty || given.count == inputs.count else {
            throw UsageError("Give one '--name' per '--x' (got \(given.count) names for \(inputs.count) datasets), or "
                             + "none to name them by their datasets.", subcommand: .channels)
        }
        let names = given.isEmpty ? inputs.map(\.description) : given
        if let repeated = names.first(where: { candidate in names.filter { $0 == candidate }.count > 1 }) {
            throw UsageError("The name '\(repeated)' is used twice; each --x needs its own --name.",
                             subcommand: .channels)
        }
        return .channels(ChannelsOptions(
            inputs: inputs, names: names, batchSize: batchSize, layout: layout, sigmaThr: sigmaThr, sigmaMin: sigmaMin,
            report: directory.map { ReportSettings(directory: $0, force: force, latex: false, quiet: quiet) },
            quiet: quiet))
    }
}

extension DemoOptions {
    static let out: Option<String> = .defaulted(
        "out", .text(placeholder: "dir"), default: "demo-report",
        help: "Report directory to create. " + OptionGroups.stagingNote)
    static let epochs: Option<Int> = .defaulted(
        "epochs", .integer(OptionGroups.epochCounts), default: 2, placeholder: "e",
        help: "Training epochs to emulate.")

    static let spec = CommandSpec(
        .demo, abstract: "Audit the bundled Fashion-MNIST early-fusion sample and summarise it.",
        discussion: "Reads notebooks-data/fashion_early_fusion.h5 (relative to the current directory) with batch 50; "
            + "its class labels (/labels) are the confounder and the strata, and the least-squares regress-out "
            + "(--ols-ridge 0.01) stands beside RegBN. Prints raw, RegBN and OLS side by side, marginally and within "
            + "class, and how to make the figures and the HTML report.",
        options: [out, epochs, OptionGroups.permutations, OptionGroups.bootstrap, OptionGroups.force, OptionGroups.quiet]
    ) { values throws(UsageError) in
        .demo(DemoOptions(out: try values(out), epochs: try values(epochs),
                          permutations: try values(OptionGroups.permutations),
                          bootstrap: try values(OptionGroups.bootstrap),
                          force: try values(OptionGroups.force), quiet: try values(OptionGroups.quiet)))
    }
}
