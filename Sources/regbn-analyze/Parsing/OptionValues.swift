/// A command-line argument as the user typed it, kept so that errors about
/// it can quote it: `--f a.h5:/f`, or a positional `a.h5`.
struct GivenArgument: Sendable, Equatable, CustomStringConvertible {
    /// The option's name without dashes; nil for a positional argument.
    let option: String?
    let text: String
    /// The datasets the value names, for matching errors that name a file.
    let datasets: [DatasetArgument]

    var description: String { option.map { "--\($0) \(text)" } ?? text }
}

/// One positional argument.
struct Argument: Sendable {
    let name: String
    let help: String
    var synopsis: String { "<\(name)>" }
}

/// The options and positional arguments given to one subcommand, as split
/// from the command line. A command's builder reads each option once with its
/// typed key, and that read is the one place the text becomes a Swift value.
struct OptionValues {
    let subcommand: Subcommand
    private let declared: [String: OptionDeclaration]
    private let arguments: [Argument]
    private let texts: [String: [String]]
    private let positionals: [String]
    private var unread: Set<String>
    /// Every argument read so far, as typed.
    private(set) var given: [GivenArgument] = []

    /// `texts`: the values given per option name (flags: one empty text per
    /// occurrence); every name must be declared, which the splitter ensures.
    init(subcommand: Subcommand, options: [OptionDeclaration], arguments: [Argument],
         texts: [String: [String]], positionals: [String]) {
        self.subcommand = subcommand
        self.declared = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.arguments = arguments
        self.texts = texts
        self.positionals = positionals
        self.unread = Set(texts.keys)
    }

    /// The value of `option`: parsed from its text, its default, or nil for
    /// an absent optional option. A bad or missing value is a usage error
    /// that names the option, the text and what is accepted.
    mutating func callAsFunction<Value>(_ option: Option<Value>) throws(UsageError) -> Value {
        let declaration = option.declaration
        guard declared[declaration.name] != nil else {
            throw UsageError("Option '\(declaration.flagName)' is not an option of '\(subcommand.rawValue)'.",
                             subcommand: subcommand)
        }
        unread.remove(declaration.name)
        let resolved: (value: Value?, given: [GivenArgument])
        do {
            resolved = try option.resolve(texts[declaration.name] ?? [])
        } catch {
            var message = "The value '\(error.text)' is invalid for '\(declaration.synopsis)': \(error.rejection.reason)."
            if let suggestion = error.rejection.suggestion { message += " Did you mean '\(suggestion)'?" }
            throw UsageError(message, subcommand: subcommand)
        }
        guard let value = resolved.value else {
            throw UsageError("Missing expected argument '\(declaration.synopsis)'.", subcommand: subcommand)
        }
        given += resolved.given
        return value
    }

    /// The positional argument `argument` (declared ones are counted by the splitter).
    mutating func callAsFunction(_ argument: Argument) throws(UsageError) -> String {
        guard let index = arguments.firstIndex(where: { $0.name == argument.name }), index < positionals.count else {
            throw UsageError("Missing expected argument '\(argument.synopsis)'.", subcommand: subcommand)
        }
        given.append(GivenArgument(option: nil, text: positionals[index], datasets: []))
        return positionals[index]
    }

    func isGiven(_ option: some DeclaredOption) -> Bool {
        texts[option.declaration.name] != nil
    }

    /// Options that were given but that the builder never read: a builder
    /// that forgets an option must not ignore its value silently.
    var unreadOptions: [OptionDeclaration] {
        unread.compactMap { declared[$0] }.sorted { $0.name < $1.name }
    }
}
