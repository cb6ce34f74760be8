import Diagnostics
import Foundation

/// The short human summary printed after `audit` and `demo`.
enum AuditSummaryText {
    static func render(_ r: AuditResult) -> String {
        var text = "Dependence between f and g (n = \(r.raw.hsic.subsample.used)):\n"
        let rows: [(String, (StageMeasurement) -> String)] = [
            ("HSIC (normalised)", { fmt($0.hsic.normalized) + pText($0.hsic.gamma.pValue, "gamma") }),
            ("HSIC p (permutation)", { $0.hsic.permutation.map { pText($0.pValue, "R=\($0.permutations)") } ?? " -" }),
            ("linear CKA", { fmt($0.linear.cka) }),
            ("distance correlation", { fmt($0.dcor.distanceCorrelation)
                + ($0.dcor.permutation.map { pText($0.pValue, "R=\($0.permutations)") } ?? "") }),
            ("channel mean |r|", { fmt($0.crosscorr.meanAbs) }),
        ]
        text += "  " + "".padding(toLength: 22, withPad: " ", startingAt: 0)
            + "raw".padding(toLength: 30, withPad: " ", startingAt: 0) + "RegBN\n"
        for (label, value) in rows {
            text += "  " + label.padding(toLength: 22, withPad: " ", startingAt: 0)
                + value(r.raw).padding(toLength: 30, withPad: " ", startingAt: 0) + value(r.regbn) + "\n"
        }
        text += lambdaLine(r.batches) + "\n"
        text += flagLine(r.batches) + "\n"
        for (name, validation) in r.channels {
            text += "Channels of \(name): \(validation.verdict)\n"
        }
        for warning in r.warnings { text += "Warning: \(warning)\n" }
        text += "Report: \(r.reportPath)\n"
        return text
    }

    private static func lambdaLine(_ batches: [BatchRecord]) -> String {
        let lambdas = batches.map(\.lambda).filter(\.isFinite)
        let fallbacks = batches.filter(\.fallback).count
        guard let low = lambdas.min(), let high = lambdas.max() else {
            return "λ: no step found a λ (\(fallbacks) of \(batches.count) steps fell back to λ = 0)"
        }
        return "λ over \(batches.count) training steps: \(fmt(low)) – \(fmt(high)); "
            + "\(fallbacks) fallback\(fallbacks == 1 ? "" : "s") to λ = 0"
    }

    private static func flagLine(_ batches: [BatchRecord]) -> String {
        let counts = BatchRecord.allFlagNames.compactMap { name -> String? in
            let n = batches.filter { $0.flagNames.contains(name) }.count
            return n > 0 ? "\(name) \(n)/\(batches.count)" : nil
        }
        return "Spectrum flags of the g batches: " + (counts.isEmpty ? "none" : counts.joined(separator: ", "))
    }

    static func fmt(_ x: Double) -> String {
        if !x.isFinite { return CSVFormat.number(x) }
        return String(format: abs(x) >= 1e4 || (abs(x) < 1e-3 && x != 0) ? "%.3g" : "%.4g", x)
    }

    private static func pText(_ p: Double, _ method: String) -> String {
        let value = p == 0 ? "< 1e-300" : (p < 1e-3 ? String(format: "%.2g", p) : String(format: "%.3f", p))
        return " (p \(value), \(method))"
    }
}
