import Suggestions

/// Why an option's text is not a valid value, usually what would have been
/// accepted, and a close valid word when there is one.
struct ValueRejection: Error, Equatable, Sendable {
    let reason: String
    let suggestion: String?

    /// `expected` is a phrase such as "an integer from 1 to 10".
    init(expected: String, suggestion: String? = nil) {
        self.init(reason: "expected \(expected)", suggestion: suggestion)
    }

    init(reason: String, suggestion: String? = nil) {
        self.reason = reason
        self.suggestion = suggestion
    }
}

/// How the text of an option becomes a Swift value, and how the help shows it.
/// One value per type of value: options share them, so a bound or a wording
/// is written once.
struct ValueType<T: Sendable>: Sendable {
    /// Shown as `<placeholder>` in usage lines unless the option names its own.
    let placeholder: String
    /// The accepted values or range, for the help text ("1 to 1000000",
    /// "values: nchw, nhwc"); nil when the placeholder says it all.
    let accepted: String?
    let parse: @Sendable (String) throws(ValueRejection) -> T
    /// How a default value is printed in the help text.
    let format: @Sendable (T) -> String
    /// The datasets a value names, so that errors about them can quote the
    /// option they were given with (see `GivenArgument`).
    var datasets: @Sendable (T) -> [DatasetArgument] = { _ in [] }
}

extension ValueType where T == Int {
    /// An integer in `range`; the bounds appear in the help and in errors.
    static func integer(_ range: ClosedRange<Int>, placeholder: String = "n") -> ValueType {
        let accepted = "\(range.lowerBound) to \(range.upperBound)"
        return ValueType(
            placeholder: placeholder, accepted: accepted,
            parse: { text throws(ValueRejection) in
                guard let value = Int(text), range.contains(value) else {
                    throw ValueRejection(expected: "an integer from \(accepted)")
                }
                return value
            },
            format: { String($0) })
    }
}

extension ValueType where T == UInt64 {
    /// Any unsigned 64-bit integer (seeds).
    static let seed = ValueType(
        placeholder: "seed", accepted: "0 to \(UInt64.max)",
        parse: { text throws(ValueRejection) in
            guard let value = UInt64(text) else {
                throw ValueRejection(expected: "an integer from 0 to \(UInt64.max)")
            }
            return value
        },
        format: { String($0) })
}

extension ValueType where T == Double {
    /// A finite real number that is at least 0, or above 0 when `positive`.
    static func real(positive: Bool) -> ValueType {
        let bound = positive ? "> 0" : ">= 0"
        return ValueType(
            placeholder: "x", accepted: "finite, \(bound)",
            parse: { text throws(ValueRejection) in
                guard let value = Double(text), value.isFinite else {
                    throw ValueRejection(expected: "a finite number")
                }
                guard positive ? value > 0 : value >= 0 else { throw ValueRejection(expected: "a number \(bound)") }
                return value
            },
            format: { String($0) })
    }

    /// A decay rate in the half-open interval [0, 1).
    static let unitInterval = ValueType(
        placeholder: "x", accepted: "0 <= x < 1",
        parse: { text throws(ValueRejection) in
            guard let value = Double(text), value >= 0, value < 1 else {
                throw ValueRejection(expected: "a number in [0, 1)")
            }
            return value
        },
        format: { String($0) })
}

extension ValueType where T == Bool {
    /// `true` or `false`, for settings whose default may be either.
    static let boolean = ValueType(
        placeholder: "true|false", accepted: nil,
        parse: { text throws(ValueRejection) in
            switch text {
            case "true": return true
            case "false": return false
            default: throw ValueRejection(expected: "true or false")
            }
        },
        format: { String($0) })
}

extension ValueType where T == String {
    /// A path or name: any non-empty text.
    static func text(placeholder: String) -> ValueType {
        ValueType(
            placeholder: placeholder, accepted: nil,
            parse: { text throws(ValueRejection) in
                guard !text.isEmpty else { throw ValueRejection(expected: "a non-empty value") }
                return text
            },
            format: { $0 })
    }
}

extension ValueType where T == DatasetArgument {
    /// A dataset named as the input contract allows. The syntax, and the
    /// wording of its errors, belong to `DatasetArgument(parsing:)`, which
    /// does no I/O; its errors start with the text itself, which the usage
    /// error already quotes.
    static let dataset = ValueType(
        placeholder: "file.h5:/dataset", accepted: nil,
        parse: { text throws(ValueRejection) in
            do {
                return try DatasetArgument(parsing: text)
            } catch {
                let description = String(describing: error)
                let reason = description.hasPrefix(text + ": ") ? description.dropFirst(text.count + 2) : Substring(description)
                throw ValueRejection(reason: reason.hasSuffix(".") ? String(reason.dropLast()) : String(reason))
            }
        },
        format: \.description,
        datasets: { [$0] })
}

extension ValueType where T: RawRepresentable, T.RawValue == String {
    /// One of `cases`, by raw value; the help lists them, and a near miss
    /// gets a "Did you mean" suggestion.
    static func oneOf(_ cases: [T], placeholder: String) -> ValueType {
        let words = cases.map(\.rawValue)
        return ValueType(
            placeholder: placeholder, accepted: "values: \(words.joined(separator: ", "))",
            parse: { text throws(ValueRejection) in
                guard let value = T(rawValue: text), words.contains(text) else {
                    throw ValueRejection(expected: "one of \(words.joined(separator: ", "))",
                                         suggestion: closestMatch(to: text, in: words))
                }
                return value
            },
            format: \.rawValue)
    }
}

extension ValueType where T: RawRepresentable & CaseIterable, T.RawValue == String {
    /// Every case of the enum, in declaration order.
    static func oneOf(_ type: T.Type, placeholder: String) -> ValueType {
        oneOf(Array(type.allCases), placeholder: placeholder)
    }
}

extension ValueType {
    /// A comma-separated list of `element` values (`--baselines ols,ols-batch`);
    /// at least one element, no empty ones.
    static func list<Element: Sendable>(of element: ValueType<Element>) -> ValueType where T == [Element] {
        ValueType(
            placeholder: "\(element.placeholder),...",
            accepted: element.accepted.map { "comma-separated, \($0)" } ?? "comma-separated",
            parse: { text throws(ValueRejection) in
                var values: [Element] = []
                for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                    do throws(ValueRejection) {
                        values.append(try element.parse(String(item)))
                    } catch {
                        throw ValueRejection(reason: "in the comma-separated list, \(error.reason)",
                                             suggestion: error.suggestion)
                    }
                }
                return values
            },
            format: { $0.map(element.format).joined(separator: ",") },
            datasets: { $0.flatMap(element.datasets) })
    }
}
