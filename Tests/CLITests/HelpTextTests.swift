import Testing
@testable import regbn_analyze

@Suite struct HelpTextTests {
    /// The help on one line, so that phrases wrapped across lines can be found.
    static func flattenedHelp(for sub: Subcommand) -> String {
        HelpText.help(for: sub).split(separator: "\n").map { $0.trimmingPrefix(while: { $0 == " " }) }.joined(separator: " ")
    }

    @Test(arguments: Subcommand.allCases)
    func everySubcommandHelpHasTheSections(_ sub: Subcommand) {
        let text = HelpText.help(for: sub)
        #expect(text.hasPrefix("OVERVIEW: \(sub.spec.abstract)\n"))
        #expect(text.contains("\nUSAGE: regbn-analyze \(sub.rawValue)"))
        #expect(text.contains("\nOPTIONS:\n"))
        #expect(text.contains("  -h, --help"))
        #expect(text.contains("\nARGUMENTS:\n") == !sub.spec.arguments.isEmpty)
        for option in sub.spec.declarations {
            #expect(text.contains("  \(option.synopsis)"), "help of \(sub) lacks \(option.synopsis)")
        }
    }

    @Test func enumOptionsListValuesAndDefault() {
        let flattened = Self.flattenedHelp(for: .audit)
        #expect(flattened.contains("(values: float32, float64; default: float64)"))
        #expect(flattened.contains("(values: lbfgs, root; default: lbfgs)"))
        #expect(flattened.contains("(values: nchw, nhwc; default: nchw)"))
        #expect(flattened.contains("(finite, >= 0; default: 0.02)"))
    }

    /// Issue 9: every numeric option documents its bounds.
    @Test func numericOptionsDocumentTheirRange() {
        let flattened = Self.flattenedHelp(for: .audit)
        #expect(flattened.contains("(1 to 2147483647; required)"))
        #expect(flattened.contains("(1 to 1000000; required)"))
        #expect(flattened.contains("(0 to 1000000; default: 200)"))
        #expect(flattened.contains("(4 to 1000000; default: 5000)"))
        #expect(flattened.contains("(0 to 18446744073709551615; default: 0)"))
        #expect(flattened.contains("(finite, >= 0; default: 0.0)") && flattened.contains("(finite, > 0)"))
        #expect(flattened.contains("(0 <= x < 1; default: 0.9)"))
    }

    /// The official loader keeps the last partial batch; the help must say
    /// what this tool does instead (issue 10), not claim the official loader drops it.
    @Test func batchSizeHelpIsTruthful() {
        let flattened = Self.flattenedHelp(for: .normalize)
        #expect(flattened.contains("the last incomplete batch is dropped"))
        #expect(flattened.contains("the official example keeps it"))
        #expect(!flattened.contains("as the official loader setting does"))
    }

    @Test func toolHelpListsEverySubcommandAndTheExitStatuses() {
        let text = HelpText.help(for: nil)
        #expect(text.contains("\nSUBCOMMANDS:\n"))
        #expect(text.contains("  --version"))
        for sub in Subcommand.allCases { #expect(text.contains("\n  \(sub.rawValue) ")) }
        #expect(text.contains("\nEXIT STATUS:\n"))
        for status in [ExitStatus.success, .failure, .usage, .badInput] {
            #expect(text.contains("\n  \(status.rawValue) "), "exit status \(status.rawValue) is not documented")
        }
    }

    @Test func linesFitEightyColumnsExceptLongLabels() {
        for sub in [nil] + Subcommand.allCases.map(Optional.some) {
            for line in HelpText.help(for: sub).split(separator: "\n")
            where !line.hasPrefix("USAGE:") && !line.hasPrefix("OVERVIEW:") {
                #expect(line.count <= 80, "\(sub.map(\.rawValue) ?? "tool"): \(line)")
            }
        }
    }
}
