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
            + [saveTrainingOutputs, out, OptionGroups.force, OptionGroups.quiet]
    ) { values throws(UsageError) in
        .normalize(NormalizeOptions(
            f: try values(f), g: try values(g), evalF: try values(evalF), evalG: try values(evalG),
            regbn: try RegBNSettings(reading: &values), out: try values(out),
            force: try values(OptionGroups.force), quiet: try values(OptionGroups.quiet),
            saveTrainingOutputs: try values(saveTrainingOutputs)))
    }
}

extension AuditOptions {
    static let report = OptionGroups.Report(out: OptionGroups.out("Report directory to create."), hasLatex: true)

    static let spec = CommandSpec(
        .audit, abstract: "Run RegBN and every diagnostic on the raw pair and on the RegBN output.",
        discussion: """
            Writes a report directory atomically (nothing is left behind on failure): summary.csv, \
            crosscorr.csv, spectrum.csv, batches.csv, channels.csv, run.json, and with --latex \
            summary.tex. The raw stage is the input pair; the regbn stage pairs RegBN's inference \
            output f with the input g.
            """,
        options: [NormalizeOptions.f, NormalizeOptions.g] + RegBNOptions.all + DiagnosticOptions.fg.all
            + report.options
    ) { values throws(UsageError) in
        .audit(AuditOptions(
            f: try values(NormalizeOptions.f), g: try values(NormalizeOptions.g),
            regbn: try RegBNSettings(reading: &values), diagnostics: try DiagnosticSettings(reading: &values, .fg),
            report: try ReportSettings(reading: &values, report)))
    }
}

extension DependenceOptions {
    static let x = OptionGroups.feature("x", "First feature dataset.")
    static let y = OptionGroups.feature("y", "Second feature dataset (same number of samples).")

    static let spec = CommandSpec(
        .dependence,
        abstract: "Measure the dependence between two feature datasets (HSIC, CKA, dCor, cross-correlation).",
        options: [x, y, OptionGroups.layout] + DiagnosticOptions.xy.all + AuditOptions.report.options
    ) { values throws(UsageError) in
        .dependence(DependenceOptions(
            x: try values(x), y: try values(y), layout: try values(OptionGroups.layout),
            diagnostics: try DiagnosticSettings(reading: &values, .xy),
            report: try ReportSettings(reading: &values, AuditOptions.report)))
    }
}

extension SpectrumOptions {
    static let x = OptionGroups.feature("x", "Feature dataset.")
    static let batchSize = OptionGroups.batchSize(
        "Rows per batch: floor(N / b) consecutive batches are analysed; the last incomplete batch is dropped.")
    static let report = OptionGroups.Report(out: OptionGroups.out("Report directory to create."), hasLatex: false)

    static let spec = CommandSpec(
        .spectrum, abstract: "Singular-value spectra of consecutive batches of a feature dataset.",
        discussion: "Ranks, condition numbers and flags per batch, as RegBN's SVD would see the raw batch.",
        options: [x, batchSize, OptionGroups.layout] + report.options
    ) { values throws(UsageError) in
        .spectrum(SpectrumOptions(
            x: try values(x), batchSize: try values(batchSize), layout: try values(OptionGroups.layout),
            report: try ReportSettings(reading: &values, report)))
    }
}

extension ChannelsOptions {
    static let x = OptionGroups.feature("x", "Feature dataset of the layer.")
    static let batchSize = OptionGroups.batchSize("Training batch size.")
    static let out: Option<String?> = .optional(
        "out", .text(placeholder: "dir"), help: "Report directory to create (optional). " + OptionGroups.stagingNote)

    static let spec = CommandSpec(
        .channels, abstract: "Check whether a layer's channel count suits RegBN at a given batch size.",
        discussion: "Prints a verdict with the numbers behind it; with --out also writes a report directory.",
        options: [x, batchSize, OptionGroups.layout, out, OptionGroups.force, OptionGroups.quiet]
    ) { values throws(UsageError) in
        let x = try values(x), batchSize = try values(batchSize), layout = try values(OptionGroups.layout)
        let directory = try values(out), force = try values(OptionGroups.force), quiet = try values(OptionGroups.quiet)
        if directory == nil && force {
            throw UsageError("'--force' only applies together with '\(out.declaration.synopsis)'.", subcommand: .channels)
        }
        return .channels(ChannelsOptions(
            x: x, batchSize: batchSize, layout: layout,
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
        discussion: "Reads notebooks-data/fashion_early_fusion.h5 (relative to the current directory) with batch 50.",
        options: [out, epochs, OptionGroups.permutations, OptionGroups.force, OptionGroups.quiet]
    ) { values throws(UsageError) in
        .demo(DemoOptions(out: try values(out), epochs: try values(epochs),
                          permutations: try values(OptionGroups.permutations),
                          force: try values(OptionGroups.force), quiet: try values(OptionGroups.quiet)))
    }
}
