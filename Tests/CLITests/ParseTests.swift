import Testing
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
        let official = OptionGroups.officialDefaults
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
        ErrorCase(arguments: auditBase + ["--max-samples", "3"], message: "The value '3' is invalid for '--max-samples <n>': expected an integer >= 4.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--quiet", "--quiet"], message: "Option '--quiet' was given more than once.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--seed"], message: "Missing value for option '--seed <seed>'.", subcommand: .audit),
        ErrorCase(arguments: auditBase + ["--seed", "--quiet"], message: "Missing value for option '--seed <seed>'.", subcommand: .audit),
        ErrorCase(arguments: ["audit", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "0"], message: "The value '0' is invalid for '--batch-size <b>': expected a positive integer.", subcommand: .audit),
        ErrorCase(arguments: ["audit", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "50", "--out", "r"], message: "Missing expected argument '--epochs <e>'.", subcommand: .audit),
        ErrorCase(arguments: ["audit", "--f", "a.h5", "--g", "a.h5:/g"], message: "The value 'a.h5' is invalid for '--f <file.h5:/dataset>': expected FILE.h5:/path/to/dataset.", subcommand: .audit),
        ErrorCase(arguments: ["spectrum", "--x", "a.h5:/g", "--batch-size", "ten", "--out", "r"], message: "The value 'ten' is invalid for '--batch-size <b>': expected a positive integer.", subcommand: .spectrum),
        ErrorCase(arguments: ["channels", "--x", "a.h5:/g", "--batch-size", "5", "--force"], message: "'--force' only applies together with '--out <dir>'.", subcommand: .channels),
        ErrorCase(arguments: ["dependence", "--x", "a.h5:/f", "--y", "a.h5:/g", "--out", "r", "--sigma-f", "1"], message: "Unknown option '--sigma-f'. Did you mean '--sigma-x'?", subcommand: .dependence),
    ]

    @Test(arguments: errorCases)
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
