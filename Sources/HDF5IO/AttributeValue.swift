/// The value of a string or numeric HDF5 attribute. Integer attributes of any
/// width read as `Int64`, float attributes as `Double`; a scalar dataspace
/// gives `.int`/`.double`, any other shape the flattened array.
public enum AttributeValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case int(Int64)
    case double(Double)
    case ints([Int64])
    case doubles([Double])

    /// The number, for scalar numeric attributes and one-element arrays.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .ints(let values) where values.count == 1: Double(values[0])
        case .doubles(let values) where values.count == 1: values[0]
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var description: String {
        switch self {
        case .string(let value): "\"\(value)\""
        case .int(let value): String(value)
        case .double(let value): String(describing: value)
        case .ints(let values): "[" + values.map(String.init).joined(separator: ", ") + "]"
        case .doubles(let values): "[" + values.map { String(describing: $0) }.joined(separator: ", ") + "]"
        }
    }
}
