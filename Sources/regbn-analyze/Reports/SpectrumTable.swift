import Diagnostics

/// spectrum.csv: every singular value of every g batch.
enum SpectrumTable {
    static func build(_ batches: [(epoch: Int, step: Int, spectrum: SpectrumSummary)]) -> CSVTable {
        var table = CSVTable(header: ["epoch", "step", "index", "singular_value", "normalized", "cumulative_energy"])
        for batch in batches {
            let s = batch.spectrum
            let normalized = s.normalized, energy = s.cumulativeEnergy
            for i in s.singularValues.indices {
                table.append([.integer(batch.epoch), .integer(batch.step), .integer(i), .number(s.singularValues[i]),
                              .number(normalized[i]), .number(energy[i])])
            }
        }
        return table
    }
}
