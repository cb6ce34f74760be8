/// A strict RFC 4180 reader for checking the reports the tool writes
/// (independent of the writer's code, so a quoting bug cannot hide itself).
struct CSVDocument {
    let header: [String]
    let rows: [[String: String]]

    struct Malformed: Error, CustomStringConvertible { let description: String }

    init(_ text: String) throws {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                guard field.isEmpty else { throw Malformed(description: "quote inside an unquoted field") }
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else if c == "\r" {
                continue
            } else {
                field.unicodeScalars.append(c)
            }
        }
        guard !quoted else { throw Malformed(description: "unterminated quoted field") }
        guard record.isEmpty && field.isEmpty else { throw Malformed(description: "last line lacks its newline") }
        guard let header = records.first else { throw Malformed(description: "no header") }
        for (i, r) in records.enumerated() where r.count != header.count {
            throw Malformed(description: "line \(i + 1) has \(r.count) fields, the header \(header.count)")
        }
        self.header = header
        rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    func column(_ name: String) -> [String] { rows.map { $0[name] ?? "" } }
}
