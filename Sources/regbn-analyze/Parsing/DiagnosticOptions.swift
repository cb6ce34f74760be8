import Diagnostics

/// Settings of the dependence statistics, shared by `audit` (inputs f and g)
/// and `dependence` (x and y); the input names appear in `--sigma-<name>` and
/// `--name-<name>`.
struct DiagnosticOptions: Sendable {
    let permutations: Option<Int>
    let bootstrap: Option<Int>
    let confidence: Option<Double>
    let seed: Option<UInt64>
    let maxSamples: Option<Int>
    let subsample: Option<SubsampleRule>
    let subsampleSeed: Option<UInt64>
    let sigmaX: Option<Double?>
    let sigmaY: Option<Double?>
    let strata: Option<DatasetArgument?>
    let nameX: Option<String?>
    let nameY: Option<String?>

    static let fg = DiagnosticOptions(x: "f", y: "g")
    static let xy = DiagnosticOptions(x: "x", y: "y")

    private init(x: String, y: String) {
        permutations = OptionGroups.permutations
        bootstrap = OptionGroups.bootstrap
        confidence = .defaulted(
            "confidence", .openUnitInterval, default: 0.95, placeholder: "level",
            help: "Nominal coverage of the bootstrap intervals (ci_low, ci_high).")
        seed = .defaulted(
            "seed", .seed, default: 0,
            help: "Seed of the permutation tests, the bootstrap resamples and the null control's shuffle.")
        maxSamples = .defaulted(
            "max-samples", .integer(OptionGroups.sampleCaps), default: 5000,
            help: "Every dependence measure uses at most this many samples, the same rows in every stage "
                + "(recorded in the report as used/total).")
        subsample = .defaulted(
            "subsample", .oneOf(SubsampleRule.self, placeholder: "rule"), default: .random,
            help: "How --max-samples chooses its rows: random draws them uniformly without replacement "
                + "(seeded, sorted); strided takes rows floor(k*N/m), the original deterministic rule, which "
                + "aliases with periodic row orders and is kept only to reproduce numbers made with it.")
        subsampleSeed = .defaulted("subsample-seed", .seed, default: 0, help: "Seed of the random subsample.")
        sigmaX = .optional("sigma-\(x)", .real(positive: true),
                           help: "Gaussian kernel bandwidth for \(x) (default: median heuristic).")
        sigmaY = .optional("sigma-\(y)", .real(positive: true),
                           help: "Gaussian kernel bandwidth for \(y) (default: median heuristic).")
        strata = .optional(
            "strata", .dataset,
            help: "One integer label per sample (class, site, scanner): adds each kernel measure within these "
                + "strata (condition strata=FILE:/ds) with a permutation test that permutes only within strata.")
        nameX = .optional("name-\(x)", .text(placeholder: "name"),
                          help: "Name of \(x) in the report and figures (default: its dataset path).")
        nameY = .optional("name-\(y)", .text(placeholder: "name"),
                          help: "Name of \(y) in the report and figures (default: its dataset path).")
    }

    var all: [any DeclaredOption] {
        [permutations, bootstrap, confidence, seed, maxSamples, subsample, subsampleSeed, sigmaX, sigmaY, strata,
         nameX, nameY]
    }
}

/// `--subsample`: how the rows of the exact measures are chosen.
enum SubsampleRule: String, Sendable, CaseIterable {
    case random
    case strided

    func method(seed: UInt64) -> SubsampleMethod {
        switch self {
        case .random: return .random(seed: seed)
        case .strided: return .strided
        }
    }
}

extension OptionGroups {
    static let permutations: Option<Int> = .defaulted(
        "permutations", .integer(permutationCounts), default: 200, placeholder: "r",
        help: "Permutations for the HSIC and dCor permutation tests (0: gamma approximation only).")
    static let bootstrap: Option<Int> = .defaulted(
        "bootstrap", .integer(bootstrapCounts), default: 200, placeholder: "r",
        help: "Bootstrap resamples behind the confidence interval of every measure and of the paired "
            + "differences between stages (0: no intervals).")
}

extension DiagnosticSettings {
    init(reading values: inout OptionValues, _ group: DiagnosticOptions) throws(UsageError) {
        self.init(permutations: try values(group.permutations), bootstrap: try values(group.bootstrap),
                  confidence: try values(group.confidence), seed: try values(group.seed),
                  maxSamples: try values(group.maxSamples), subsample: try values(group.subsample),
                  subsampleSeed: try values(group.subsampleSeed), sigmaX: try values(group.sigmaX),
                  sigmaY: try values(group.sigmaY), strata: try values(group.strata))
    }
}

extension OperandNames {
    init(reading values: inout OptionValues, _ group: DiagnosticOptions) throws(UsageError) {
        self.init(x: try values(group.nameX), y: try values(group.nameY))
    }
}
