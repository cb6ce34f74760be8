import HDF5IO
import RegBN

/// Options shared by several subcommands (argument-parser's `@OptionGroup`):
/// one declaration, one help text, one default and one bound each.
enum OptionGroups {
    // MARK: - Bounds of numeric options
    // Each bound keeps a value from reaching an allocation or a loop that
    // cannot finish; the help text and the usage error state it.

    /// A batch is handed to LAPACK, whose dimensions are 32-bit.
    static let batchSizes = 1...Int(Int32.max)
    /// A million epochs is far beyond any training run and keeps
    /// `epochs × steps per epoch` (and the λ history) countable.
    static let epochCounts = 1...1_000_000
    /// 10⁶ permutations already resolve p-values to 1e-6; beyond that the
    /// test costs days.
    static let permutationCounts = 0...1_000_000
    /// The bootstrap keeps an n × R table of resample counts (5000 × 10⁵ is
    /// 4 GB); 10⁵ resamples already pin a 95 % interval's ends far below the
    /// estimate's own sampling error.
    static let bootstrapCounts = 0...100_000
    /// Exact kernels hold n × n matrices: 10⁶ samples are 8 TB in float64, so
    /// the bound only stops absurd values; memory checks refuse big ones.
    /// Below 4 samples no statistic is defined.
    static let sampleCaps = 4...1_000_000

    // MARK: - Inputs and layout

    static func feature(_ name: String, _ help: String) -> Option<DatasetArgument> {
        .required(name, .dataset, help: help)
    }

    static func optionalFeature(_ name: String, _ help: String) -> Option<DatasetArgument?> {
        .optional(name, .dataset, help: help)
    }

    static let layout: Option<FeatureLayout> = .defaulted(
        "layout", .oneOf(FeatureLayout.self, placeholder: "layout"), default: .nchw,
        help: "Axis order of the feature datasets after the sample axis; nhwc is channels last (JAX/TensorFlow dumps).")

    static func batchSize(_ help: String) -> Option<Int> {
        .required("batch-size", .integer(batchSizes), placeholder: "b", help: help)
    }

    // MARK: - Outputs

    static func out(_ help: String, placeholder: String = "dir") -> Option<String> {
        .required("out", .text(placeholder: placeholder), help: help + " " + stagingNote)
    }

    /// How every output is written (`StagedOutput`), said once for every `--out`.
    static let stagingNote = "Missing parent directories are created. It is written under a hidden name beside "
        + "it and appears only when complete."

    static let quiet: Option<Bool> = .flag("quiet", help: "Do not print progress on stderr.")
    static let force: Option<Bool> = .flag(
        "force",
        help: "Replace an existing output of this tool of the same kind (an HDF5 file, a report directory holding "
            + "run.json); anything else under the name is never replaced. The old output stays in place until the new "
            + "one is complete, then is swapped out in one step.")
    static let dryRun: Option<Bool> = .flag(
        "dry-run",
        help: "Print the memory the run would need (per rank under MPI) and, for RegBN, the number of MPI ranks at "
            + "which it fits this machine's memory; then stop without reading the data or writing anything.")
    static let latex: Option<Bool> = .flag("latex", help: "Also write summary.tex, a booktabs table of summary.csv.")

    /// `--out`, `--force`, `--quiet` and, where the command writes
    /// summary.csv, `--latex`.
    struct Report: Sendable {
        let out: Option<String>
        let hasLatex: Bool

        var options: [any DeclaredOption] {
            hasLatex ? [out, force, latex, quiet] : [out, force, quiet]
        }
    }
}

extension ReportSettings {
    init(reading values: inout OptionValues, _ group: OptionGroups.Report) throws(UsageError) {
        self.init(directory: try values(group.out), force: try values(OptionGroups.force),
                  latex: group.hasLatex ? try values(OptionGroups.latex) : false,
                  quiet: try values(OptionGroups.quiet))
    }
}
