import Suggestions

/// Splits a subcommand's arguments into option texts and positionals, the way
/// swift-argument-parser does: `--opt value`, `--opt=value`, flags, `--`
/// ending option processing, `-h`/`--help` anywhere before it. Values are not
/// interpreted here: each is parsed once, when the command's builder reads it.
enum ArgumentSplitter {
    enum Outcome {
        case help
        case split(OptionValues)
    }

    static func split(_ tokens: [String], for spec: CommandSpec) throws(UsageError) -> Outcome {
        let sub = spec.subcommand
        // Help wins over every other mistake on the line, as in argument-parser.
        let optionTokens = tokens.prefix { $0 != "--" }
        if optionTokens.contains("-h") || optionTokens.contains("--help") { return .help }
        let declarations = spec.options.map(\.declaration)
        var texts: [String: [String]] = [:]
        var positionals: [String] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if token == "--" {
                positionals += tokens[index...]
                break
            }
            // "-" (stdin by convention) and negative numbers are values, not options.
            guard token.hasPrefix("-"), token.count > 1, Double(token) == nil else {
                positionals.append(token)
                continue
            }
            guard token.hasPrefix("--") else {
                throw UsageError("Unknown option '\(token)'.", subcommand: sub)
            }
            let (name, inlineValue) = nameAndInlineValue(token)
            guard let option = declarations.first(where: { $0.name == name }) else {
                var message = "Unknown option '--\(name)'."
                if let guess = closestMatch(to: name, in: declarations.map(\.name)) {
                    message += " Did you mean '--\(guess)'?"
                }
                throw UsageError(message, subcommand: sub)
            }
            if texts[name] != nil && option.presence != .repeatable {
                throw UsageError("Option '\(option.flagName)' was given more than once.", subcommand: sub)
            }
            if option.isFlag {
                if let inlineValue {
                    throw UsageError("Option '\(option.flagName)' takes no value (got '\(inlineValue)').", subcommand: sub)
                }
                texts[name, default: []].append("")
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < tokens.count, !tokens[index].hasPrefix("--") {
                value = tokens[index]
                index += 1
            } else {
                throw UsageError("Missing value for option '\(option.synopsis)'.", subcommand: sub)
            }
            texts[name, default: []].append(value)
        }
        if positionals.count > spec.arguments.count {
            let extra = positionals[spec.arguments.count...]
            throw UsageError("Unexpected argument\(extra.count > 1 ? "s" : "") "
                             + extra.map { "'\($0)'" }.joined(separator: ", ") + ".", subcommand: sub)
        }
        return .split(OptionValues(subcommand: sub, options: declarations, arguments: spec.arguments,
                                   texts: texts, positionals: positionals))
    }

    /// `--name=value` → ("name", "value"); `--name` → ("name", nil).
    private static func nameAndInlineValue(_ token: String) -> (String, String?) {
        let body = token.dropFirst(2)
        guard let equals = body.firstIndex(of: "=") else { return (String(body), nil) }
        return (String(body[..<equals]), String(body[body.index(after: equals)...]))
    }
}
