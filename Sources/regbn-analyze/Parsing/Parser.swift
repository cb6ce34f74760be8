/// Splits a subcommand's arguments into option values and positionals,
/// the way swift-argument-parser does: `--opt value`, `--opt=value`, flags,
/// `--` ending option processing, `-h`/`--help` anywhere.
enum ArgumentSplitter {
    enum Outcome: Sendable {
        case help
        case parsed(ParsedArguments)
    }

    static func split(_ arguments: [String], for spec: CommandSpec) throws(UsageError) -> Outcome {
        let sub = spec.subcommand
        // Help wins over every other mistake on the line, as in argument-parser.
        let optionTokens = arguments.prefix { $0 != "--" }
        if optionTokens.contains("-h") || optionTokens.contains("--help") { return .help }
        var values: [String: String] = [:]
        var positionals: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            index += 1
            if token == "--" {
                positionals += arguments[index...]
                break
            }
            guard token.hasPrefix("-"), token.count > 1, Double(token) == nil else {
                positionals.append(token)
                continue
            }
            guard token.hasPrefix("--") else {
                throw UsageError("Unknown option '\(token)'.", subcommand: sub)
            }
            let body = token.dropFirst(2)
            let name: String
            var inlineValue: String? = nil
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            guard let option = spec.option(named: name) else {
                var message = "Unknown option '--\(name)'."
                if let guess = closestMatch(to: name, in: spec.options.map(\.name)) {
                    message += " Did you mean '--\(guess)'?"
                }
                throw UsageError(message, subcommand: sub)
            }
            guard values[name] == nil else {
                throw UsageError("Option '\(option.flagName)' was given more than once.", subcommand: sub)
            }
            if option.kind == .flag {
                if let inlineValue { try option.validate(inlineValue, in: sub) }
                values[name] = "true"
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                value = arguments[index]
                index += 1
            } else {
                throw UsageError("Missing value for option '\(option.synopsis)'.", subcommand: sub)
            }
            try option.validate(value, in: sub)
            values[name] = value
        }
        try checkCompleteness(spec, values: values, positionals: positionals)
        return .parsed(ParsedArguments(spec: spec, values: values, positionals: positionals))
    }

    private static func checkCompleteness(_ spec: CommandSpec, values: [String: String],
                                          positionals: [String]) throws(UsageError) {
        if positionals.count > spec.arguments.count {
            let extra = positionals[spec.arguments.count...].map { "'\($0)'" }.joined(separator: ", ")
            throw UsageError("Unexpected argument\(positionals.count - spec.arguments.count > 1 ? "s" : "") \(extra).",
                             subcommand: spec.subcommand)
        }
        if positionals.count < spec.arguments.count {
            throw UsageError("Missing expected argument '\(spec.arguments[positionals.count].synopsis)'.",
                             subcommand: spec.subcommand)
        }
        for option in spec.options where option.isRequired && values[option.name] == nil {
            throw UsageError("Missing expected argument '\(option.synopsis)'.", subcommand: spec.subcommand)
        }
    }
}
