/// The specification of every subcommand: arguments, options, help text.
extension Subcommand {
    var spec: CommandSpec {
        switch self {
        case .inspect:
            return CommandSpec(
                subcommand: self,
                abstract: "List the groups and datasets of an HDF5 file.",
                discussion: "Prints path, shape, element type, storage layout, chunk shape, filters and attributes of every object.",
                arguments: [ArgumentSpec(name: "file", help: "The HDF5 file to list.")],
                options: [OptionSpec("json", .flag, help: "Print JSON instead of a table.")])
        case .normalize:
            return CommandSpec(
                subcommand: self,
                abstract: "Run RegBN over a pair of feature datasets and write the normalised features.",
                discussion: """
                    Emulates training (epochs of consecutive mini-batches), then an inference pass with the \
                    running W over the evaluation samples. Writes /f and /g (inference outputs), /W, \
                    /steps/{epoch,epoch_arg,batch_size,lambda,fallback,iterations}, /order (the sample \
                    order of every epoch), /state/norm_f|norm_g running statistics where BatchNorm is \
                    used, and a root attribute `config` (JSON). /f and /g have the shapes and --layout \
                    of the inputs. Everything a replay needs is recorded: --lambda-from OUT:/steps/lambda \
                    --order OUT:/order with the same --first-epoch and --keep-last-batch reproduces the \
                    run. Non-finite inputs stop the run with their sample index.
                    """,
                arguments: [],
                options: [
                    OptionGroups.feature("f", "Features whose dependence on g is removed."),
                    OptionGroups.feature("g", "Features (or metadata) that f is regressed on."),
                    OptionGroups.feature("eval-f", "Evaluation features f (default: --f).", required: false),
                    OptionGroups.feature("eval-g", "Evaluation features g (default: --g).", required: false),
                ] + OptionGroups.regbn + [
                    OptionSpec("save-training-outputs", .flag,
                               help: "Also write the training-mode outputs of every step, concatenated in step order, as /train/f and /train/g."),
                    OptionGroups.out("Output HDF5 file.", valueName: "out.h5"),
                    OptionGroups.force, OptionGroups.quiet,
                ])
        case .audit:
            return CommandSpec(
                subcommand: self,
                abstract: "Run RegBN and every diagnostic on the raw pair and on the RegBN output.",
                discussion: """
                    Writes a report directory atomically (nothing is left behind on failure): summary.csv, \
                    crosscorr.csv, spectrum.csv, batches.csv, channels.csv, run.json, and with --latex \
                    summary.tex. The raw stage is the input pair; the regbn stage pairs RegBN's inference \
                    output f with the input g.
                    """,
                arguments: [],
                options: [
                    OptionGroups.feature("f", "Features whose dependence on g is removed."),
                    OptionGroups.feature("g", "Features (or metadata) that f is regressed on."),
                ] + OptionGroups.regbn + OptionGroups.diagnostics(x: "f", y: "g") + [
                    OptionGroups.out("Report directory to create."),
                    OptionGroups.force, OptionGroups.latex, OptionGroups.quiet,
                ])
        case .dependence:
            return CommandSpec(
                subcommand: self,
                abstract: "Measure the dependence between two feature datasets (HSIC, CKA, dCor, cross-correlation).",
                discussion: nil,
                arguments: [],
                options: [
                    OptionGroups.feature("x", "First feature dataset."),
                    OptionGroups.feature("y", "Second feature dataset (same number of samples)."),
                    OptionGroups.layout,
                ] + OptionGroups.diagnostics(x: "x", y: "y") + [
                    OptionGroups.out("Report directory to create."),
                    OptionGroups.force, OptionGroups.latex, OptionGroups.quiet,
                ])
        case .spectrum:
            return CommandSpec(
                subcommand: self,
                abstract: "Singular-value spectra of consecutive batches of a feature dataset.",
                discussion: "Ranks, condition numbers and flags per batch, as RegBN's SVD would see the raw batch.",
                arguments: [],
                options: [
                    OptionGroups.feature("x", "Feature dataset."),
                    OptionGroups.batchSize("Rows per batch (the last incomplete batch is dropped)."),
                    OptionGroups.layout,
                    OptionGroups.out("Report directory to create."),
                    OptionGroups.force, OptionGroups.quiet,
                ])
        case .channels:
            return CommandSpec(
                subcommand: self,
                abstract: "Check whether a layer's channel count suits RegBN at a given batch size.",
                discussion: "Prints a verdict with the numbers behind it; with --out also writes a report directory.",
                arguments: [],
                options: [
                    OptionGroups.feature("x", "Feature dataset of the layer."),
                    OptionGroups.batchSize("Training batch size."),
                    OptionGroups.layout,
                    OptionGroups.out("Report directory to create (optional).", required: false),
                    OptionGroups.force, OptionGroups.quiet,
                ])
        case .demo:
            return CommandSpec(
                subcommand: self,
                abstract: "Audit the bundled Fashion-MNIST early-fusion sample and summarise it.",
                discussion: "Reads notebooks-data/fashion_early_fusion.h5 (relative to the current directory) with batch 50.",
                arguments: [],
                options: [
                    OptionSpec("out", .string, valueName: "dir", default: "demo-report", help: "Report directory to create."),
                    OptionSpec("epochs", .integer(minimum: 1), valueName: "e", default: "2", help: "Training epochs to emulate."),
                    OptionSpec("permutations", .integer(minimum: 0), valueName: "r", default: "200",
                               help: "Permutations for the HSIC and dCor permutation tests (0: gamma approximation only)."),
                    OptionGroups.force, OptionGroups.quiet,
                ])
        }
    }
}
