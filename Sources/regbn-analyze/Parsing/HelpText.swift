/// Help and usage text in swift-argument-parser's layout:
/// OVERVIEW / USAGE / ARGUMENTS / OPTIONS (/ SUBCOMMANDS for the tool).
enum HelpText {
    static let toolName = "regbn-analyze"
    private static let labelWidth = 28

    static func usageLine(for sub: Subcommand?) -> String {
        guard let sub else { return "\(toolName) <subcommand> [<options>]" }
        let spec = sub.spec
        var parts = ["\(toolName) \(sub.rawValue)"]
        parts += spec.arguments.map(\.synopsis)
        let options = spec.declarations
        parts += options.filter(\.isRequired).map(\.synopsis)
        let optional = options.filter { !$0.isRequired }
        // Long lists of optional settings are summarised; --help lists them.
        if optional.count > 4 {
            parts.append("[<options>]")
        } else {
            parts += optional.map { "[\($0.synopsis)\($0.presence == .repeatable ? " ..." : "")]" }
        }
        return parts.joined(separator: " ")
    }

    static func help(for sub: Subcommand?) -> String {
        guard let sub else { return toolHelp() }
        let spec = sub.spec
        var text = "OVERVIEW: \(spec.abstract)\n"
        if let discussion = spec.discussion { text += "\n\(wrap(discussion, indent: 0))\n" }
        text += "\nUSAGE: \(usageLine(for: sub))\n"
        if !spec.arguments.isEmpty {
            text += "\nARGUMENTS:\n"
            for argument in spec.arguments { text += row(argument.synopsis, argument.help) }
        }
        text += "\nOPTIONS:\n"
        for option in spec.declarations { text += row(option.synopsis, describe(option)) }
        text += row("-h, --help", "Show help information.")
        return text
    }

    private static func toolHelp() -> String {
        let discussion = "Reads feature dumps from HDF5, NumPy (.npy, .npz) or safetensors files (axis 0 samples, "
            + "axis 1 channels, then spatial dims), "
            + "runs the official RegBN method, and writes reproducible CSV/JSON reports."
        var text = "OVERVIEW: Audit confounding between two modalities' features with RegBN and dependence diagnostics.\n"
        text += "\n\(wrap(discussion, indent: 0))\n"
        text += "\nUSAGE: \(usageLine(for: nil))\n"
        text += "\nOPTIONS:\n"
        text += row("--version", "Show the version.")
        text += row("-h, --help", "Show help information.")
        text += "\nSUBCOMMANDS:\n"
        for sub in Subcommand.allCases { text += row(sub.rawValue, sub.spec.abstract) }
        text += "\n  See '\(toolName) help <subcommand>' for detailed help.\n"
        text += "\nEXIT STATUS:\n"
        for status in ExitStatus.allCases { text += row(String(status.rawValue), status.meaning) }
        return text
    }

    /// The option's help plus, where they exist, its accepted values or
    /// range, its default, and whether it is required or repeatable.
    private static func describe(_ option: OptionDeclaration) -> String {
        var notes: [String] = []
        if let accepted = option.accepted { notes.append(accepted) }
        if let value = option.defaultText { notes.append("default: \(value)") }
        switch option.presence {
        case .required: notes.append("required")
        case .repeatable: notes.append("repeatable")
        case .optional: break
        }
        return notes.isEmpty ? option.help : "\(option.help) (\(notes.joined(separator: "; ")))"
    }

    private static func row(_ label: String, _ help: String) -> String {
        let lead = "  \(label)"
        let body = wrap(help, indent: labelWidth + 2)
        if lead.count + 2 <= labelWidth + 2 {
            let padded = lead.padding(toLength: labelWidth + 2, withPad: " ", startingAt: 0)
            return padded + body.dropFirst(labelWidth + 2) + "\n"
        }
        return lead + "\n" + body + "\n"
    }

    /// Greedy word wrap at 80 columns, every line indented by `indent`.
    private static func wrap(_ text: String, indent: Int) -> String {
        let width = max(40, 80 - indent)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        return lines.map { pad + $0 }.joined(separator: "\n")
    }

    /// The stderr text of a usage error.
    static func render(_ error: UsageError) -> String {
        let see = error.subcommand.map { "\(toolName) \($0.rawValue) --help" } ?? "\(toolName) --help"
        return "Error: \(error.message)\nUsage: \(usageLine(for: error.subcommand))\n  See '\(see)' for more information.\n"
    }
}
