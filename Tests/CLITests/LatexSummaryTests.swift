import Testing
@testable import regbn_analyze

@Suite struct LatexSummaryTests {
    @Test func numbersAreMathModeWithPowersOfTen() {
        #expect(LatexSummary.number(.number(0.5)) == "$0.5$")
        #expect(LatexSummary.number(.number(2.632e-167)) == "$2.632\\times 10^{-167}$")
        #expect(LatexSummary.number(.number(123456)) == "$1.235\\times 10^{5}$")
        #expect(LatexSummary.number(.number(9.99996e-7)) == "$1.000\\times 10^{-6}$")
        #expect(LatexSummary.number(.number(0)) == "$0$")
        #expect(LatexSummary.number(.missing) == "--")
        #expect(LatexSummary.number(.number(.nan)) == "--")
        #expect(LatexSummary.number(.number(.infinity)) == "$\\infty$")
    }

    @Test func rowsPairRawWithRegbnAndEscapeNames() {
        var table = CSVTable(header: SummaryTable.header)
        table.append([.text("hsic_b"), .text("raw"), .number(0.25), .number(1e-10), .text("gamma"), .integer(9), .text("")])
        table.append([.text("hsic_b"), .text("regbn"), .number(0.125), .number(0.5), .text("gamma"), .integer(9), .text("")])
        table.append([.text("cka_linear"), .text("raw"), .number(0.75), .missing, .text(""), .integer(9), .text("")])
        let tex = LatexSummary.render(table)
        #expect(tex.contains("\\texttt{hsic\\_b} & gamma & $0.25$ & $0.125$ & $1.000\\times 10^{-10}$ & $0.5$ \\\\"))
        #expect(tex.contains("\\texttt{cka\\_linear} & -- & $0.75$ & -- & -- & -- \\\\"))
        // Balanced environments: the table compiles when pasted into a document.
        for environment in ["table", "tabular"] {
            #expect(tex.components(separatedBy: "\\begin{\(environment)}").count
                    == tex.components(separatedBy: "\\end{\(environment)}").count)
        }
        #expect(!tex.contains("_") || !tex.replacingOccurrences(of: "\\_", with: "").contains("_"))
    }
}
