/// Settings of the dependence statistics, shared by `audit` (inputs f and g)
/// and `dependence` (x and y); the input names appear in `--sigma-<name>`.
struct DiagnosticOptions: Sendable {
    let permutations: Option<Int>
    let seed: Option<UInt64>
    let maxSamples: Option<Int>
    let sigmaX: Option<Double?>
    let sigmaY: Option<Double?>

    static let fg = DiagnosticOptions(x: "f", y: "g")
    static let xy = DiagnosticOptions(x: "x", y: "y")

    private init(x: String, y: String) {
        permutations = OptionGroups.permutations
        seed = .defaulted("seed", .seed, default: 0, help: "Seed of the permutation tests.")
        maxSamples = .defaulted(
            "max-samples", .integer(OptionGroups.sampleCaps), default: 5000,
            help: "Exact kernels use at most this many samples (a seeded uniform random subsample, recorded in the report).")
        sigmaX = .optional("sigma-\(x)", .real(positive: true),
                           help: "Gaussian kernel bandwidth for \(x) (default: median heuristic).")
        sigmaY = .optional("sigma-\(y)", .real(positive: true),
                           help: "Gaussian kernel bandwidth for \(y) (default: median heuristic).")
    }

    var all: [any DeclaredOption] { [permutations, seed, maxSamples, sigmaX, sigmaY] }
}

extension OptionGroups {
    static let permutations: Option<Int> = .defaulted(
        "permutations", .integer(permutationCounts), default: 200, placeholder: "r",
        help: "Permutations for the HSIC and dCor permutation tests (0: gamma approximation only).")
}

extension DiagnosticSettings {
    init(reading values: inout OptionValues, _ group: DiagnosticOptions) throws(UsageError) {
        self.init(permutations: try values(group.permutations), seed: try values(group.seed),
                  maxSamples: try values(group.maxSamples), sigmaX: try values(group.sigmaX),
                  sigmaY: try values(group.sigmaY))
    }
}

