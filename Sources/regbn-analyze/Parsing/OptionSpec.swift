/// What a command-line option accepts. Values are checked while parsing, so
/// a bad value is a usage error that names the option, never a crash later.
enum ValueKind: Sendable, Equatable {
    /// Present or absent; takes no value.
    case flag
    /// `true` or `false`.
    case boolean
    case string
    /// An integer ≥ `minimum`.
    case integer(minimum: Int)
    /// An unsigned 64-bit integer (seeds).
    case seed
    /// A finite real number; `positive` requires > 0, else ≥ 0 is not enforced.
    case real(positive: Bool)
    /// A real number in the half-open interval [0, 1).
    case unitInterval
    /// One of a fixed list of words.
    case choice([String])
    /// `FILE.h5:/path/to/dataset`.
    case dataset
}

/// One `--name <value>` option of a subcommand, with its help text.
struct OptionSpec: Sendable {
    let name: String
    let valueName: String
    let kind: ValueKind
    let help: String
    /// Shown in the help text as `default: …`; also the value used when absent.
    let defaultValue: String?
    let isRequired: Bool

    init(_ name: String, _ kind: ValueKind, valueName: String? = nil, default defaultValue: String? = nil,
         required isRequired: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
        self.isRequired = isRequired
        switch kind {
        case .dataset: self.valueName = valueName ?? "file.h5:/dataset"
        case .boolean: self.valueName = valueName ?? "true|false"
        default: self.valueName = valueName ?? name
        }
    }

    var flagName: String { "--\(name)" }

    /// `--name <value>`, or `--name` for flags: how usage lines and errors show it.
    var synopsis: String {
        kind == .flag ? flagName : "\(flagName) <\(valueName)>"
    }
}

/// One positional argument.
struct ArgumentSpec: Sendable {
    let name: String
    let help: String
    var synopsis: String { "<\(name)>" }
}

/// Everything the parser and the help printer need to know about a subcommand.
struct CommandSpec: Sendable {
    let subcommand: Subcommand
    let abstract: String
    let discussion: String?
    let arguments: [ArgumentSpec]
    let options: [OptionSpec]

    func option(named name: String) -> OptionSpec? {
        options.first { $0.name == name }
    }
}
