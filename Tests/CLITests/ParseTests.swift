import Testing
import Diagnostics
import RegBN
@testable import regbn_analyze

/// Table-driven parsing tests: what each command line becomes, and the exact
/// error each mistake produces.
@Suite struct ParseTests {
    static let auditBase = ["audit", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "50", "--epochs", "2", "--out", "rep"]

    @Test func inspectWithJSON() throws {
        #expect(try parse(["inspect", "x.h5", "--json"]) == .inspect(InspectOptions(file: "x.h5", json: true)))
        #expect(try parse(["inspect", "x.h5"]) == .inspect(InspectOptions(file: "x.h5", json: false)))
    }

    @Test func auditDefaultsAreTheOfficialOnes() throws {
        guard case .audit(let options) = try parse(Self.auditBase) else {
            Issue.record("expected an audit invocation"); return
        }
        #expect(options.f == DatasetArgument(file: "a.h5", path: "/f"))
        #expect(options.regbn.batchSize == 50 && options.regbn.epochs == 2)
        let official = RegBNOptions.officialDefaults
        #expect(options.regbn.normalizeInput == official.normalizeInput)
        #expect(options.regbn.normalizeOutput == official.normalizeOutput && options.regbn.affine == official.affine)
        #expect(options.regbn.sigmaThr == official.sigmaThr && options.regbn.sigmaMin == official.sigmaMin)
        #expect(options.regbn.beta1 == official.beta1 && options.regbn.beta2 == official.beta2)
        #expect(options.regbn.momentum == official.momentum)
        #expect(options.regbn.precision == .float64 && options.regbn.lambdaSolver == .lbfgs)
        #expect(options.regbn.shuffleSeed == nil && options.regbn.lambdaFrom == nil)
        #expect(options.diagnostics.maxSamples == 5000 && options.diagnostics.sigmaX == nil)
        #expect(options.report == ReportSettings(directory: "rep", force: false, latex: false, quiet: false))
    }

    @Test func equalsFormAndSpacedFormAgree() throws {
        let spaced = try parse(Self.auditBase + ["--sigma-thr", "0.001", "--affine", "false", "--precision", "float32"])
        let joined = try parse(Self.auditBase + ["--sigma-thr=0.001", "--affine=false", "--precision=float32"])
        #expect(spaced == joined)
        guard case .audit(let options) = joined else { Issue.record("expected audit"); return }
        #expect(options.regbn.sigmaThr == 0.001 && !options.regbn.affine && options.regbn.precision == .float32)
    }

    @Test func flagsAndTypedValues() throws {
        let invocation = try parse(Self.auditBase + ["--force", "--latex", "--quiet", "--shuffle", "7",
                                                     "--permutations", "0", "--sigma-f", "2.5", "--layout", "nhwc",
                                                     "--lambda-from", "log.h5:/steps/lambda"])
        guard case .audit(let options) = invocation else { Issue.record("expected audit"); return }
        #expect(options.report.force && options.report.latex && options.report.quiet)
        #expect(options.regbn.shuffleSeed == 7 && options.diagnostics.permutations == 0)
        #expect(options.diagnostics.sigmaX == 2.5 && options.regbn.layout == .nhwc)
        #expect(options.regbn.lambdaFrom == DatasetArgument(file: "log.h5", path: "/steps/lambda"))
    }

    @Test func doubleDashMakesTheRestPositional() throws {
        #expect(try parse(["inspect", "--", "--odd-name.h5"]) == .inspect(InspectOptions(file: "--odd-name.h5")))
    }

    @Test func helpAndVersionForms() throws {
        #expect(try parse(["--help"]) == .help(nil))
        #expect(try parse(["-h"]) == .help(nil))
        #expect(try parse(["help"]) == .help(nil))
        #expect(try parse(["help", "audit"]) == .help(.audit))
        #expect(try parse(["audit", "--help"]) == .help(.audit))
        #expect(try parse(["normalize", "--f", "x", "-h"]) == .help(.normalize))
        #expect(try parse(["--version"]) == .version)
    }

    @Test func channelsOutIsOptional() throws {
        let base = ["channels", "--x", "a.h5:/g", "--batch-size", "50"]
        guard case .channels(let bare) = try parse(base) else { Issue.record("expected channels"); return }
        #expect(bare.report == nil)
        guard case .channels(let withOut) = try parse(base + ["--out", "r", "--force"]) else {
            Issue.record("expected channels"); return
        }
        #expect(withOut.report?.directory == "r" && withOut.report?.force == true)
    }

    @Test func demoDefaults() throws {
        #expect(try parse(["demo"]) == .demo(DemoOptions(out: "demo-report", epochs: 2)))
    }

    struct ErrorCase: Sendable, CustomStringConvertible {
        let arguments: [String]
        let message: String
        let subcommand: Subcommand?
        var description: String { arguments.joined(separator: " ") }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(arguments: [], message: "Missing subcommand; choose one of inspect, normalize, audit, dependence, spectrum, channels, demo.", subcommand: nil),
        ErrorCase(arguments: ["audti"], message: "Unknown subcommand 'audti'. Did you mean 'audit'?", subcommand: nil),
        ErrorCase(arguments: ["frobnicate"], message: "Unknown subcommand 'frobnicate'.", subcommand: nil),
        ErrorCase(arguments: ["--verbose"], message: "Unknown option '--verbose'.", subcommand: nil),
        ErrorCase(arguments: ["help", "nope"], message: "Unknown subcommand 'nope'.", subcommand: nil),
        ErrorCase(arguments: ["inspect"], message: "Missing expected argument '<file>'.", subcommand: .inspect),
        ErrorCase(arguments: ["inspect", "a.h5", "b.h5"], message: "Unexpected argument 'b.h5'.", subcommand: .inspect),
        ErrorCase(arguments: ["inspect", "a.h5", "--jsn"], message: "Unknown option '--jsn'. Did you mean '--json'?", subcommand: .inspect),
        ErrorCase(arguments: ["inspect", "a.h5", "--json=yes"], message: "Option '--json' takes no value (got 'yes').", subcommand: .inspect),
        ErrorCase(arguments: ["inspect", "a.h5", "-x"], message: "Unknown option '-x'.", subcommand: .inspect),
        ErrorCase(arguments: auditBase + ["--precison", "float32"], message: "Unknown option '--precison'. Did you mean '--precision'?", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--frobnicate"], message: "Unknown option '--frobnicate'.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--precision", "float16"], message: "The value 'float16' is invalid for '--precision <precision>': expected one of float32, float64. Did you mean 'float32'?", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--affine", "yes"], message: "The value 'yes' is invalid for '--affine <true|false>': expected true or false.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--beta1", "1.5"], message: "The value '1.5' is invalid for '--beta1 <x>': expected a number in [0, 1).", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--sigma-thr", "nan"], message: "The value 'nan' is invalid for '--sigma-thr <x>': expected a finite number.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--sigma-f", "0"], message: "The value '0' is invalid for '--sigma-f <x>': expected a number > 0.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--shuffle", "-1"], message: "The value '-1' is invalid for '--shuffle <seed>': expected an integer from 0 to 18446744073709551615.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--max-samples", "3"], message: "The value '3' is invalid for '--max-samples <n>': expected an integer from 4 to 1000000.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--quiet", "--quiet"], message: "Option '--quiet' was given more than once.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--seed"], message: "Missing value for option '--seed <seed>'.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--seed", "--quiet"], message: "Missing value for option '--seed <seed>'.", subcommand: .audit),
        ErrorCase(arguments: ["audit", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "0"], message: "The value '0' is invalid for '--batch-size <b>': expected an integer from 1 to 2147483647.", subcommand: .audit),
        ErrorCase(arguments: ["audit", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "50", "--out", "r"], message: "Missing expected argument '--epochs <e>'.", subcommand: .audit),
        ErrorCase(arguments: ["spectrum", "--x", "a.h5:/g", "--batch-size", "ten", "--out", "r"], message: "The value 'ten' is invalid for '--batch-size <b>': expected an integer from 1 to 2147483647.", subcommand: .spectrum),
        ErrorCase(arguments: ["channels", "--x", "a.h5:/g", "--batch-size", "5", "--force"], message: "'--force' only applies together with '--out <dir>'.", subcommand: .channels),
        ErrorCase(arguments: ["dependence", "--x", "a.h5:/f", "--y", "a.h5:/g", "--out", "r", "--sigma-f", "1"], message: "Unknown option '--sigma-f'. Did you mean '--sigma-x'?", subcommand: .dependence),
    ]

    /// Numeric options stop values that would overflow or never finish: each
    /// names the option, the value and the accepted range (issue 9).
    static let boundCases: [ErrorCase] = [
        ErrorCase(arguments: ["audit", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "50", "--epochs", "9223372036854775807", "--out", "r"], message: "The value '9223372036854775807' is invalid for '--epochs <e>': expected an integer from 1 to 1000000.", subcommand: .audit),
        ErrorCase(arguments: ["audit", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "2147483648", "--epochs", "1", "--out", "r"], message: "The value '2147483648' is invalid for '--batch-size <b>': expected an integer from 1 to 2147483647.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--permutations", "1000000000000"], message: "The value '1000000000000' is invalid for '--permutations <r>': expected an integer from 0 to 1000000.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--permutations", "99999999999999999999999"], message: "The value '99999999999999999999999' is invalid for '--permutations <r>': expected an integer from 0 to 1000000.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--max-samples", "1000001"], message: "The value '1000001' is invalid for '--max-samples <n>': expected an integer from 4 to 1000000.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--seed", "18446744073709551616"], message: "The value '18446744073709551616' is invalid for '--seed <seed>': expected an integer from 0 to 18446744073709551615.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--sigma-min", "1e400"], message: "The value '1e400' is invalid for '--sigma-min <x>': expected a finite number.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--momentum", "-0.5"], message: "The value '-0.5' is invalid for '--momentum <x>': expected a number >= 0.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--sigma-g", "inf"], message: "The value 'inf' is invalid for '--sigma-g <x>': expected a finite number.", subcommand: .audit),
        ErrorCase(arguments: ["demo", "--permutations", "1000000000000"], message: "The value '1000000000000' is invalid for '--permutations <r>': expected an integer from 0 to 1000000.", subcommand: .demo),
        ErrorCase(arguments: ["demo", "--epochs", "0"], message: "The value '0' is invalid for '--epochs <e>': expected an integer from 1 to 1000000.", subcommand: .demo),
        ErrorCase(arguments: ["spectrum", "--x", "a.h5:/g", "--batch-size", "-3", "--out", "r"], message: "The value '-3' is invalid for '--batch-size <b>': expected an integer from 1 to 2147483647.", subcommand: .spectrum),
    ]

    @Test func boundsThemselvesAreAccepted() throws {
        let arguments = ["audit", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "2147483647", "--epochs", "1000000",
                         "--out", "r", "--permutations", "1000000", "--max-samples", "1000000",
                         "--seed", "18446744073709551615", "--shuffle", "0", "--beta1", "0", "--sigma-thr", "0"]
        guard case .audit(let options) = try parse(arguments) else { Issue.record("expected audit"); return }
        #expect(options.regbn.batchSize == Int(Int32.max) && options.regbn.epochs == 1_000_000)
        #expect(options.diagnostics.permutations == 1_000_000 && options.diagnostics.maxSamples == 1_000_000)
        #expect(options.diagnostics.seed == UInt64.max && options.regbn.shuffleSeed == 0)
    }

    /// The message comes from `DatasetArgument(parsing:)` (its syntax, its
    /// wording); the parser adds the option and the text as given.
    @Test func badDatasetSyntaxIsAUsageErrorNamingTheOption() {
        do {
            _ = try parse(["audit", "--f", "a.h5", "--g", "a.h5:/g"])
            Issue.record("expected a usage error")
        } catch {
            #expect(error.subcommand == .audit)
            #expect(error.message.hasPrefix("The value 'a.h5' is invalid for '--f <file.h5:/dataset>': "), "\(error.message)")
            #expect(!error.message.contains("a.h5: "), "the text is quoted once: \(error.message)")
        }
    }

    /// Parsing does no I/O: datasets in files that do not exist parse.
    @Test func parsingNeverTouchesTheFileSystem() throws {
        let missing = "/nonexistent-\(UInt64.random(in: 0...UInt64.max))/x.h5"
        guard case .dependence(let options) = try parse(["dependence", "--x", "\(missing):/a", "--y", "\(missing):/b",
                                                         "--out", "/nonexistent/r"]) else {
            Issue.record("expected dependence"); return
        }
        #expect(options.x == DatasetArgument(file: missing, path: "/a"))
    }

    @Test func precisionAndSolverAreTheLibrariesOwnTypes() throws {
        guard case .normalize(let options) = try parse(["normalize", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "5",
                                                        "--epochs", "1", "--out", "o.h5", "--precision", "float32",
                                                        "--lambda-solver", "root"]) else {
            Issue.record("expected normalize"); return
        }
        let precision: WorkingPrecision = options.regbn.precision
        let solver: LambdaSolver = options.regbn.lambdaSolver
        #expect(precision == .float32 && solver == .root)
    }

    /// Errors quote arguments as the user typed them, so the parser keeps them.
    @Test func givenArgumentsKeepTheTextAsTyped() throws {
        let parsed = try parseCommandLine(["normalize", "--f=a.h5:f", "--g", "b.h5:/grp/g", "--batch-size", "5",
                                           "--epochs", "1", "--out", "o.h5", "--lambda-from", "log.h5:/lambda"])
        #expect(parsed.subcommand == .normalize)
        let quoted = parsed.given.map(\.description)
        #expect(quoted.contains("--f a.h5:f") && quoted.contains("--g b.h5:/grp/g"))
        #expect(quoted.contains("--lambda-from log.h5:/lambda") && quoted.contains("--out o.h5"))
        let f = parsed.given.first { $0.option == "f" }
        #expect(f?.datasets == [DatasetArgument(file: "a.h5", path: "/f")])
        let inspect = try parseCommandLine(["inspect", "x.h5"])
        #expect(inspect.given == [GivenArgument(option: nil, text: "x.h5", datasets: [])])
    }

    /// Options that exclude another one (`--order` chooses the sample order
    /// `--shuffle` would draw), checked on their own below.
    static let exclusive: [String: String] = ["order": "shuffle"]

    /// Every option a subcommand declares is read by its builder: given all
    /// at once, they parse without "declared but not used", and each value
    /// given differs from its default, so a forgotten read shows.
    @Test(arguments: Subcommand.allCases)
    func everyDeclaredOptionIsRead(_ sub: Subcommand) throws {
        var arguments = [sub.rawValue]
        for argument in sub.spec.arguments { arguments.append("\(argument.name).h5") }
        for option in sub.spec.declarations where Self.exclusive[option.name] == nil {
            arguments.append(option.flagName)
            if !option.isFlag { arguments.append(Self.sampleValue(for: option)) }
        }
        let parsed = try parseCommandLine(arguments)
        #expect(parsed.subcommand == sub)
        let quotedOptions = Set(parsed.given.compactMap(\.option))
        for option in sub.spec.declarations where !option.isFlag && Self.exclusive[option.name] == nil {
            #expect(quotedOptions.contains(option.name), "\(sub): --\(option.name) was not read")
        }
    }

    @Test func orderIsReadAndExcludesShuffle() throws {
        let base = ["normalize", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "5", "--epochs", "1",
                    "--out", "o.h5"]
        let parsed = try parseCommandLine(base + ["--order", "log.h5:/order"])
        #expect(parsed.given.contains { $0.option == "order" && $0.text == "log.h5:/order" })
        #expect(throws: UsageError.self) { try parseCommandLine(base + ["--order", "l.h5:/o", "--shuffle", "3"]) }
    }

    /// A valid value that is not the default, for each declared option.
    static func sampleValue(for option: OptionDeclaration) -> String {
        switch option.placeholder {
        case "file.h5:/dataset": return "data.h5:/\(option.name)"
        case "true|false": return option.defaultText == "true" ? "false" : "true"
        case "layout": return "nhwc"
        case "precision": return "float32"
        case "solver": return "root"
        case "x": return "0.5"
        default: return option.name == "out" ? "out-dir" : "7"
        }
    }

    @Test(arguments: errorCases + boundCases)
    func usageErrors(_ errorCase: ErrorCase) {
        #expect(throws: UsageError(errorCase.message, subcommand: errorCase.subcommand)) {
            try parse(errorCase.arguments)
        }
    }

    @Test func renderedErrorHasTheThreeLines() {
        let text = HelpText.render(UsageError("Unknown option '--x'.", subcommand: .inspect))
        #expect(text == """
            Error: Unknown option '--x'.
            Usage: regbn-analyze inspect <file> [--json]
              See 'regbn-analyze inspect --help' for more information.

            """)
    }
}
