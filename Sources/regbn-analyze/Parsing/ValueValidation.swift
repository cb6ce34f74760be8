/// Checks one option value against its `ValueKind`; the error names the
/// option, the value and what would have been accepted.
extension OptionSpec {
    func validate(_ value: String, in subcommand: Subcommand) throws(UsageError) {
        func invalid(_ expectation: String, suggestion: String? = nil) -> UsageError {
            var message = "The value '\(value)' is invalid for '\(synopsis)': \(expectation)."
            if let suggestion { message += " Did you mean '\(suggestion)'?" }
            return UsageError(message, subcommand: subcommand)
        }
        switch kind {
        case .flag:
            throw UsageError("Option '\(flagName)' takes no value (got '\(value)').", subcommand: subcommand)
        case .boolean:
            guard value == "true" || value == "false" else { throw invalid("expected true or false") }
        case .string:
            guard !value.isEmpty else { throw invalid("expected a non-empty value") }
        case .integer(let minimum):
            guard let n = Int(value), n >= minimum else {
                throw invalid(minimum == 1 ? "expected a positive integer" : "expected an integer >= \(minimum)")
            }
        case .seed:
            guard UInt64(value) != nil else { throw invalid("expected an integer from 0 to \(UInt64.max)") }
        case .real(let positive):
            guard let x = Double(value), x.isFinite else { throw invalid("expected a finite number") }
            if positive && !(x > 0) { throw invalid("expected a number > 0") }
            if !positive && x < 0 { throw invalid("expected a number >= 0") }
        case .unitInterval:
            guard let x = Double(value), x >= 0, x < 1 else { throw invalid("expected a number in [0, 1)") }
        case .choice(let words):
            guard words.contains(value) else {
                throw invalid("expected one of \(words.joined(separator: ", "))",
                              suggestion: closestMatch(to: value, in: words))
            }
        case .dataset:
            guard (try? DatasetArgument(parsing: value)) != nil else {
                throw invalid("expected FILE.h5:/path/to/dataset")
            }
        }
    }
}
