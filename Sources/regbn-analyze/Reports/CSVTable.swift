import Foundation

/// One CSV cell. Numbers are formatted here, once, so every report agrees on
/// the text of a value.
enum CSVCell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    /// A value that does not exist for this row (written `nan`, which pandas
    /// reads as NaN without options).
    case missing

    static func optional(_ value: Double?) -> CSVCell { value.map(CSVCell.number) ?? .missing }
}

/// A CSV table with a fixed header; rows must have the header's width.
struct CSVTable: Sendable {
    let header: [String]
    private(set) var rows: [[CSVCell]] = []

    init(header: [String]) { self.header = header }

    mutating func append(_ row: [CSVCell]) {
        precondition(row.count == header.count, "CSV row has \(row.count) cells, header \(header.count)")
        rows.append(row)
    }

    /// RFC 4180 text: header line, comma separators, fields quoted when they
    /// contain a comma, quote, CR or LF (quotes doubled), lines ended by LF.
    func rendered() -> String {
        var text = header.map(CSVFormat.quote).joined(separator: ",") + "\n"
        for row in rows {
            text += row.map(CSVFormat.field).joined(separator: ",") + "\n"
        }
        return text
    }
}

/// Locale-free, round-trip CSV formatting.
enum CSVFormat {
    /// Swift's shortest representation that reads back to the same Double
    /// (never a locale-dependent formatter); `nan`, `inf`, `-inf` otherwise.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(describing: value)
    }

    static func quote(_ text: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character and would slip past.
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func field(_ cell: CSVCell) -> String {
        switch cell {
        case .text(let text): return quote(text)
        case .integer(let n): return String(n)
        case .number(let x): return number(x)
        case .missing: return "nan"
        }
    }
}
