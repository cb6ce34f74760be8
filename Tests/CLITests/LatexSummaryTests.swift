import Foundation
import TestSupport
import Testing
@testable import regbn_analyze

@Suite struct LatexSummaryTests {
    @Test func numbersAreMathModeWithPowersOfTen() {
        #expect(LatexSummary.number(.number(0.5)) == "$0.5$")
        #expect(LatexSummary.number(.number(2.632e-167)) == "$2.63{\\times}10^{-167}$")
        #expect(LatexSummary.number(.number(123456)) == "$1.23{\\times}10^{5}$")
        #expect(LatexSummary.number(.number(9.996e-7)) == "$1.00{\\times}10^{-6}$")
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
        table.append([.text("my_measure"), .text("raw"), .number(1), .number(0.01), .text("permutation:99"), .integer(9), .text("")])
        let tex = LatexSummary.render(table)
        #expect(tex.contains("HSIC$_b$ & Gamma & $0.25$ & $0.125$ & $1.00{\\times}10^{-10}$ & $0.5$ \\\\"))
        #expect(tex.contains("linear CKA & -- & $0.75$ & -- & -- & -- \\\\"))
        #expect(tex.contains("\\texttt{my\\_measure} & perm., $R=99$ & $1$ &"))
        // Balanced environments: the table compiles when pasted into a document.
        for environment in ["table", "tabular"] {
            #expect(tex.components(separatedBy: "\\begin{\(environment)}").count
                    == tex.components(separatedBy: "\\end{\(environment)}").count)
        }
    }
}

/// Compiles summary.tex in a minimal paper when pdflatex is installed (Debian:
/// texlive-latex-base, texlive-latex-recommended); skipped otherwise.
@Suite struct LatexCompileTests {
    static let pdflatex = ["/usr/bin/pdflatex", "/usr/local/bin/pdflatex"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: pdflatex != nil, "pdflatex is not installed"))
    func summaryCompilesWithoutOverfullBoxes() throws {
        var table = CSVTable(header: SummaryTable.header)
        for (index, measure) in LatexSummary.labels.keys.sorted().enumerated() {
            for stage in ["raw", "regbn"] {
                let value = Double(index + 1) * (stage == "raw" ? 0.123456 : 1.234e-7)
                table.append([.text(measure), .text(stage), .number(value), .number(3.2e-200), .text("gamma"),
                              .integer(2000), .text("")])
                table.append([.text(measure), .text(stage), .number(value), .number(0.004975), .text("permutation:1000"),
                              .integer(2000), .text("")])
            }
        }
        let directory = try TestPaths.temporaryDirectory("latex")
        defer { try? FileManager.default.removeItem(at: directory) }
        try LatexSummary.render(table).write(to: directory.appendingPathComponent("summary.tex"), atomically: true, encoding: .utf8)
        let paper = "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n\\input{summary.tex}\n\\end{document}\n"
        try paper.write(to: directory.appendingPathComponent("paper.tex"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.pdflatex))
        process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let log = (try? String(contentsOf: directory.appendingPathComponent("paper.log"), encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "pdflatex failed:\n\(log.suffix(2000))")
        #expect(!log.contains("Overfull"), "the table is wider than the text:\n\(log.suffix(2000))")
    }
}
