/// A JSON value for free-form parts of run.json (configuration, settings),
/// encoded with `Codable`; non-finite numbers become the strings "nan",
/// "inf", "-inf" (JSON has no literal for them).
enum JSONValue: Sendable, Equatable, Encodable {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .number(let x):
            if x.isFinite { try container.encode(x) } else { try container.encode(CSVFormat.number(x)) }
        case .integer(let n): try container.encode(n)
        case .bool(let b): try container.encode(b)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        case .null: try container.encodeNil()
        }
    }

    static func optional(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
    static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
}
