import Diagnostics

/// crosscorr.csv: the full f×g channel correlation matrix, raw beside RegBN
/// (`nan` for a constant channel or a stage that was not run; no rows when the
/// cross-correlation could not be computed).
enum CrossCorrTable {
    static func build(raw: ChannelCorrelationResult?, regbn: ChannelCorrelationResult?) -> CSVTable {
        var table = CSVTable(header: ["f_channel", "g_channel", "r_raw", "r_regbn"])
        guard let raw else { return table }
        for a in 0..<raw.matrix.rows {
            for b in 0..<raw.matrix.columns {
                table.append([.integer(a), .integer(b), .number(raw.matrix[a, b]),
                              .optional(regbn.map { $0.matrix[a, b] })])
            }
        }
        return table
    }
}
