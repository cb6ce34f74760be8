import Foundation
import TestSupport
import Testing
@testable import regbn_analyze

@Suite struct LatexSummaryTests {
    @Test func numbersAreMathModeWithPowersOfTen() {
        #expect(LatexSummary.number(0.5) == "$0.5$")
        #expect(LatexSummary.number(2.632e-167) == "$2.63{\\times}10^{-167}$")
        #expect(LatexSummary.number(123456) == "$1.23{\\times}10^{5}$")
        #expect(LatexSummary.number(9.996e-7) == "$1.00{\\times}10^{-6}$")
        #expect(LatexSummary.number(0) == "$0$")
        #expect(LatexSummary.number(.nan) == "--")
        #expect(LatexSummary.number(.infinity) == "$\\infty$")
        // Interval ends and p-values: two significant digits.
        #expect(LatexSummary.number(0.01234, digits: 2) == "$0.012$")
        #expect(LatexSummary.number(9.7e-5, digits: 2) == "$9.7{\\times}10^{-5}$")
        #expect(LatexSummary.number(9.97e-5, digits: 2) == "$1.0{\\times}10^{-4}$")
        #expect(LatexSummary.number(1e-10, digits: 2) == "$1.0{\\times}10^{-10}$")
        #expect(LatexSummary.pValue(0) == "$<10^{-300}$")
        #expect(LatexSummary.pValue(nil) == "--")
    }

    static func row(_ measure: String, _ stage: Stage, _ value: Double, p: Double? = nil, method: String = "",
                    interval: (Double, Double)? = nil, condition: String = "none") -> SummaryRow {
        SummaryRow(measure: measure, stage: stage, pair: "f~g", condition: condition, value: value, pValue: p,
                   pMethod: method,
                   interval: interval.map { SummaryRow.Interval(low: $0.0, high: $0.1, method: "bootstrap-basic:200:0.95") },
                   n: 9, settings: "")
    }

    @Test func oneLinePerMeasureAndStageWithItsPValuesAndInterval() {
        let rows = [
            Self.row("hsic_b", .raw, 0.25, p: 1e-10, method: "gamma", interval: (0.2, 0.3)),
            Self.row("hsic_b", .raw, 0.25, p: 0.005, method: "permutation:199", interval: (0.2, 0.3)),
            Self.row("hsic_b", .regbn, 0.125, p: 0.5, method: "gamma"),
            Self.row("hsic_b", .difference, 0.125, interval: (0.1, 0.15)),
            Self.row("cka_linear", .raw, 0.75),
            Self.row("my_measure", .null, 1),
            Self.row("dcor", .raw, 0.5, p: 0.01, method: "stratified-permutation:99", condition: "strata=a_b.h5:/y"),
        ]
        let tex = LatexSummary.render(rows)
        #expect(tex.contains("\\multicolumn{5}{l}{\\textit{HSIC$_b$}} \\\\\n    raw & $0.25$ & [$0.2$, $0.3$] & $0.005$ & "
                             + "$1.0{\\times}10^{-10}$ \\\\"))
        #expect(tex.contains("    RegBN & $0.125$ & -- & -- & $0.5$ \\\\"))
        #expect(tex.contains("    $\\Delta$ RegBN & $0.125$ & [$0.1$, $0.15$] & -- & -- \\\\"))
        #expect(tex.contains("{\\textit{linear CKA}} \\\\\n    raw & $0.75$ & -- & -- & -- \\\\"))
        #expect(tex.contains("{\\textit{\\texttt{my\\_measure}}} \\\\\n    null & $1$ &"))
        // Each (pair, condition, family of measures) is a table of its own, its caption naming the strata and the
        // tests: kernel, linear and distance, the other measure, then dCor within strata.
        #expect(tex.components(separatedBy: "\\begin{table}").count == 5)
        #expect(tex.contains("within the strata of \\texttt{a\\_b.h5:/y}"))
        #expect(tex.contains("99 stratified permutations"))
        #expect(tex.contains("95\\,\\% CI"))
        // Balanced environments: the tables compile when pasted into a document.
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
        // Every measure label in every stage, with the widest numbers: the long format must fit a text column.
        var rows: [SummaryRow] = []
        for condition in ["none", "strata=/very/long/path/to/some_labels_file.h5:/metadata/labels"] {
            for (index, measure) in LatexSummary.labels.keys.sorted().enumerated() {
                for stage in Stage.allCases {
                    let value = -Double(index + 1) * (stage == .raw ? 0.123456 : 1.234e-7)
                    let interval = SummaryRow.Interval(low: -1.234567e-123, high: -9.87654e-100,
                                                       method: "bootstrap-basic:200:0.95")
                    rows.append(SummaryRow(measure: measure, stage: stage, pair: "f~confounder", condition: condition,
                                           value: value, pValue: 3.2e-200, pMethod: "gamma", interval: interval,
                                           n: 2000, settings: ""))
                    rows.append(SummaryRow(measure: measure, stage: stage, pair: "f~confounder", condition: condition,
                                           value: value, pValue: 0.004975, pMethod: "permutation:1000",
                                           interval: interval, n: 2000, settings: ""))
                }
            }
        }
        let directory = try TestPaths.temporaryDirectory("latex")
        defer { try? FileManager.default.removeItem(at: directory) }
        try LatexSummary.render(rows).write(to: directory.appendingPathComponent("summary.tex"), atomically: true, encoding: .utf8)
        let paper = "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n\\input{summary.tex}\n\\clearpage\n\\end{document}\n"
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

extension LatexSummaryTests {
    /// Rows arrive stage by stage (as summary.csv lists them); a table lists
    /// each measure once, its stages under it in report order.
    @Test func measuresHeadTheirStagesOnce() {
        let rows = [Self.row("hsic_b", .raw, 0.3), Self.row("hsic_u", .raw, 0.2), Self.row("hsic_b", .null, 0.01),
                    Self.row("hsic_u", .null, 0.001), Self.row("hsic_b", .regbn, 0.1)]
        let tex = LatexSummary.render(rows)
        #expect(tex.components(separatedBy: "{\\textit{HSIC$_b$}}").count == 2)
        #expect(tex.contains("{\\textit{HSIC$_b$}} \\\\\n    raw & $0.3$ & -- & -- & -- \\\\\n    RegBN & $0.1$ & -- & -- & -- \\\\\n"
                             + "    null & $0.01$ &"))
    }
}
