import Diagnostics

/// Every warning of a report, gathered in one place: run.json `warnings` and
/// the `Warning:` lines of the printed summary are this one list. A statistics
/// warning repeated by several stages of a pair (a constant channel is constant
/// in the null control too) is listed once with the stages it concerns.
struct ReportWarnings {
    private var entries: [(message: String, scopes: [String])] = []

    var all: [String] {
        entries.map { $0.scopes.isEmpty ? $0.message : "\($0.scopes.joined(separator: ", ")): \($0.message)" }
    }

    mutating func add(_ message: String) {
        guard !entries.contains(where: { $0.message == message && $0.scopes.isEmpty }) else { return }
        entries.append((message, []))
    }

    mutating func add(_ messages: [String]) {
        for message in messages { add(message) }
    }

    /// The statistics' warnings of one stage of a pair, scoped `f~g raw`.
    mutating func add(_ warnings: [DiagnosticWarning], pair: String, stage: Stage, roles: (x: String, y: String)) {
        let naming = roles == ("x", "y") ? "" : " (x = \(roles.x), y = \(roles.y))"
        for warning in warnings {
            let message = Self.sentence(warning.message) + naming
            if let index = entries.firstIndex(where: { $0.message == message && $0.scopes.first?.hasPrefix(pair) == true }) {
                entries[index].scopes.append(stage.rawValue)
            } else {
                entries.append((message, ["\(pair) \(stage.rawValue)"]))
            }
        }
    }

    /// Every stage's statistics warnings and the differences that could not be paired.
    mutating func add(_ analysis: PairAnalysis) {
        for measured in analysis.stages {
            add(measured.report.warnings, pair: analysis.pair, stage: measured.stage, roles: (analysis.x, analysis.y))
        }
        for difference in analysis.differences() {
            for failure in difference.failures {
                add("\(analysis.pair) \(difference.stage.rawValue): \(failure)")
            }
        }
    }

    /// The library's message as a sentence: a leading English word is
    /// capitalised, an identifier (`hsic_u`, `x`) is left as it is.
    static func sentence(_ message: String) -> String {
        let word = message.prefix { $0 != " " }
        guard word.count > 1, word.allSatisfy({ $0.isLowercase || $0 == "-" }) else { return message }
        return message.prefix(1).uppercased() + message.dropFirst()
    }

    /// The subsample's used/total, when it is not every sample.
    mutating func add(subsample: Subsample) {
        guard !subsample.isComplete else { return }
        add("Every dependence measure uses \(subsample.used) of \(subsample.total) samples "
            + "(\(subsample.method) subsample, --max-samples \(subsample.maxSamples)), the same rows in every stage.")
    }
}
