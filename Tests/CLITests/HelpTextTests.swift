import Testing
@testable import regbn_analyze

@Suite struct HelpTextTests {
    @Test(arguments: Subcommand.allCases)
    func everySubcommandHelpHasTheSections(_ sub: Subcommand) {
        let text = HelpText.help(for: sub)
        #expect(text.hasPrefix("OVERVIEW: \(sub.spec.abstract)\n"))
        #expect(text.contains("\nUSAGE: regbn-analyze \(sub.rawValue)"))
        #expect(text.contains("\nOPTIONS:\n"))
        #expect(text.contains("  -h, --help"))
        #expect(text.contains("\nARGUMENTS:\n") == !sub.spec.arguments.isEmpty)
        for option in sub.spec.options {
            #expect(text.contains("  \(option.synopsis)"), "help of \(sub) lacks \(option.synopsis)")
        }
    }

    @Test func enumOptionsListValuesAndDefault() {
        let text = HelpText.help(for: .audit)
        let flattened = text.split(separator: "\n").map { $0.trimmingPrefix(while: { $0 == " " }) }.joined(separator: " ")
        #expect(flattened.contains("(values: float32, float64; default: float64)"))
        #expect(flattened.contains("(values: lbfgs, root; default: lbfgs)"))
        #expect(flattened.contains("(values: nchw, nhwc; default: nchw)"))
        #expect(flattened.contains("(default: 0.02)"))
    }

    @Test func toolHelpListsEverySubcommand() {
        let text = HelpText.help(for: nil)
        #expect(text.contains("\nSUBCOMMANDS:\n"))
        #expect(text.contains("  --version"))
        for sub in Subcommand.allCases { #expect(text.contains("\n  \(sub.rawValue) ")) }
    }

    @Test func linesFitEightyColumnsExceptLongLabels() {
        for sub in Subcommand.allCases {
            for line in HelpText.help(for: sub).split(separator: "\n") where !line.hasPrefix("USAGE:") && !line.hasPrefix("OVERVIEW:") {
                #expect(line.count <= 80, "\(sub): \(line)")
            }
        }
    }
}
