/// summary.csv: one row per (measure, stage, pair, condition, p-value
/// method), columns in the order the whole project reads them.
enum SummaryTable {
    static let header = ["measure", "stage", "pair", "condition", "value", "p_value", "p_method",
                         "ci_low", "ci_high", "ci_method", "n", "settings"]

    static func build(_ rows: [SummaryRow]) -> CSVTable {
        var table = CSVTable(header: header)
        for row in rows {
            table.append([.text(row.measure), .text(row.stage.rawValue), .text(row.pair), .text(row.condition),
                          .number(row.value), .optional(row.pValue), .text(row.pMethod),
                          .optional(row.interval?.low), .optional(row.interval?.high),
                          .text(row.interval?.method ?? ""), .integer(row.n), .text(row.settings)])
        }
        return table
    }
}
