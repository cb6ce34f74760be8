import HDF5IO

/// What one run of the tool was asked to do.
enum Invocation: Sendable, Equatable {
    case help(Subcommand?)
    case version
    case inspect(InspectOptions)
    case normalize(NormalizeOptions)
    case audit(AuditOptions)
    case dependence(DependenceOptions)
    case spectrum(SpectrumOptions)
    case channels(ChannelsOptions)
    case demo(DemoOptions)
}

/// Parses the arguments after the program name. Pure: no I/O, no exit.
func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
    guard let first = arguments.first else {
        throw UsageError("Missing subcommand; choose one of \(Subcommand.allCases.map(\.rawValue).joined(separator: ", ")).",
                         subcommand: nil)
    }
    switch first {
    case "-h", "--help":
        return .help(nil)
    case "--version":
        return .version
    case "help":
        guard arguments.count > 1 else { return .help(nil) }
        guard arguments.count == 2 else {
            throw UsageError("'help' takes one subcommand name.", subcommand: nil)
        }
        return .help(try subcommand(named: arguments[1]))
    default:
        let sub = try subcommand(named: first)
        switch try ArgumentSplitter.split(Array(arguments.dropFirst()), for: sub.spec) {
        case .help: return .help(sub)
        case .parsed(let parsed): return try invocation(sub, parsed)
        }
    }
}

private func subcommand(named name: String) throws(UsageError) -> Subcommand {
    if let sub = Subcommand(rawValue: name) { return sub }
    let kind = name.hasPrefix("-") ? "option" : "subcommand"
    var message = "Unknown \(kind) '\(name)'."
    if let guess = closestMatch(to: name, in: Subcommand.allCases.map(\.rawValue)) {
        message += " Did you mean '\(guess)'?"
    }
    throw UsageError(message, subcommand: nil)
}

/// Builds the typed options; every lookup below is of a declared, validated
/// option, so the force-unwraps state invariants of the specs, not user input.
private func invocation(_ sub: Subcommand, _ p: ParsedArguments) throws(UsageError) -> Invocation {
    switch sub {
    case .inspect:
        return .inspect(InspectOptions(file: p.positionals[0], json: p.flag("json")))
    case .normalize:
        return .normalize(NormalizeOptions(
            f: p.dataset("f")!, g: p.dataset("g")!, evalF: p.dataset("eval-f"), evalG: p.dataset("eval-g"),
            regbn: try regbnSettings(p, sub), out: p.string("out")!, force: p.flag("force"), quiet: p.flag("quiet"),
            saveTrainingOutputs: p.flag("save-training-outputs")))
    case .audit:
        return .audit(AuditOptions(
            f: p.dataset("f")!, g: p.dataset("g")!, regbn: try regbnSettings(p, sub),
            diagnostics: diagnosticSettings(p, x: "f", y: "g"), report: reportSettings(p)))
    case .dependence:
        return .dependence(DependenceOptions(
            x: p.dataset("x")!, y: p.dataset("y")!, layout: p.choice("layout", as: FeatureLayout.self)!,
            diagnostics: diagnosticSettings(p, x: "x", y: "y"), report: reportSettings(p)))
    case .spectrum:
        return .spectrum(SpectrumOptions(
            x: p.dataset("x")!, batchSize: p.int("batch-size")!,
            layout: p.choice("layout", as: FeatureLayout.self)!, report: reportSettings(p)))
    case .channels:
        let report: ReportSettings? = p.isGiven("out") ? reportSettings(p) : nil
        if report == nil && p.flag("force") {
            throw UsageError("'--force' only applies together with '--out <dir>'.", subcommand: sub)
        }
        return .channels(ChannelsOptions(
            x: p.dataset("x")!, batchSize: p.int("batch-size")!,
            layout: p.choice("layout", as: FeatureLayout.self)!, report: report, quiet: p.flag("quiet")))
    case .demo:
        return .demo(DemoOptions(out: p.string("out")!, epochs: p.int("epochs")!, permutations: p.int("permutations")!,
                                 force: p.flag("force"), quiet: p.flag("quiet")))
    }
}

private func regbnSettings(_ p: ParsedArguments, _ sub: Subcommand) throws(UsageError) -> RegBNSettings {
    if p.isGiven("shuffle") && p.isGiven("order") {
        throw UsageError("'--shuffle' and '--order' both choose the sample order; give one of them.", subcommand: sub)
    }
    return RegBNSettings(
        batchSize: p.int("batch-size")!, epochs: p.int("epochs")!, shuffleSeed: p.seed("shuffle"),
        layout: p.choice("layout", as: FeatureLayout.self)!,
        normalizeInput: p.bool("normalize-input")!, normalizeOutput: p.bool("normalize-output")!,
        affine: p.bool("affine")!, sigmaThr: p.double("sigma-thr")!, sigmaMin: p.double("sigma-min")!,
        beta1: p.double("beta1")!, beta2: p.double("beta2")!, momentum: p.double("momentum")!,
        precision: p.choice("precision", as: Precision.self)!,
        lambdaSolver: p.choice("lambda-solver", as: LambdaSolverChoice.self)!,
        lambdaFrom: p.dataset("lambda-from"), firstEpoch: p.int("first-epoch")!,
        keepLastBatch: p.flag("keep-last-batch"), order: p.dataset("order"))
}

private func diagnosticSettings(_ p: ParsedArguments, x: String, y: String) -> DiagnosticSettings {
    DiagnosticSettings(permutations: p.int("permutations")!, seed: p.seed("seed")!,
                       maxSamples: p.int("max-samples")!, sigmaX: p.double("sigma-\(x)"), sigmaY: p.double("sigma-\(y)"))
}

private func reportSettings(_ p: ParsedArguments) -> ReportSettings {
    let hasLatex = p.spec.option(named: "latex") != nil
    return ReportSettings(directory: p.string("out")!, force: p.flag("force"),
                          latex: hasLatex && p.flag("latex"), quiet: p.flag("quiet"))
}

