import Diagnostics

/// batches.csv: per training step λ, its robustness and the g spectrum summary.
enum BatchesTable {
    static let header = ["epoch", "step", "lambda", "lambda_root", "lambda_gap", "solver_iterations", "fallback",
                         "rank", "condition_number", "effective_rank", "stable_rank", "flags"]

    static func build(_ records: [BatchRecord]) -> CSVTable {
        var table = CSVTable(header: header)
        for r in records {
            table.append([.integer(r.epoch), .integer(r.step), .number(r.lambda), .optional(r.lambdaRoot),
                          .number(r.stability.relativeGap), .integer(r.solverIterations), .integer(r.fallback ? 1 : 0),
                          .integer(r.spectrum.numericalRank), .number(r.spectrum.conditionNumber),
                          .number(r.spectrum.effectiveRank), .number(r.spectrum.stableRank),
                          .text(r.flagNames.joined(separator: ";"))])
        }
        return table
    }

    /// The spectrum-only variant (`spectrum` subcommand): no λ was chosen, so
    /// the λ columns are `nan`.
    static func build(spectra: [(epoch: Int, step: Int, spectrum: SpectrumSummary)]) -> CSVTable {
        var table = CSVTable(header: header)
        for (epoch, step, s) in spectra {
            table.append([.integer(epoch), .integer(step), .missing, .missing, .missing, .missing, .missing,
                          .integer(s.numericalRank), .number(s.conditionNumber), .number(s.effectiveRank),
                          .number(s.stableRank), .text(s.flags.map(\.rawValue).joined(separator: ";"))])
        }
        return table
    }
}
