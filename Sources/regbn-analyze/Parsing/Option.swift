/// What the help text, the usage line and the argument splitter need to know
/// about an option, whatever the type of its value.
struct OptionDeclaration: Sendable {
    enum Presence: Sendable, Equatable {
        /// Must be given once.
        case required
        /// May be given once; `defaultText` (if any) says what applies otherwise.
        case optional
        /// May be given any number of times (`--x a --x b`).
        case repeatable
    }

    let name: String
    /// `nil` for flags, which take no value.
    let placeholder: String?
    let presence: Presence
    let help: String
    /// Accepted values or range, for the help text.
    let accepted: String?
    let defaultText: String?

    var isFlag: Bool { placeholder == nil }
    var isRequired: Bool { presence == .required }
    var flagName: String { "--\(name)" }

    /// `--name <value>`, or `--name` for flags: how usage lines and errors show it.
    var synopsis: String {
        placeholder.map { "\(flagName) <\($0)>" } ?? flagName
    }
}

/// Anything that declares an option; lets the options of one command, whose
/// values have different types, be listed together.
protocol DeclaredOption: Sendable {
    var declaration: OptionDeclaration { get }
}

/// A text given for an option that its value type rejected.
struct InvalidOptionText: Error {
    let text: String
    let rejection: ValueRejection
}

/// One command-line option and the typed key its value is read with:
/// `Option<Int>` for `--epochs 2`, `Option<Double?>` for an optional
/// `--sigma-x`, `Option<[DatasetArgument]>` for a repeatable `--x`,
/// `Option<Bool>` for a flag. Declared once (`OptionGroups`, `RegBNOptions`,
/// `DiagnosticOptions`, `CommandSpecs`); the help text and the parse both
/// come from here.
///
/// Adding an option: declare it with its value type (`ValueType`), list it
/// in the command's `CommandSpec.options` (that order is the help's), and
/// read it in the command's builder with `try values(option)`. An option that
/// is listed but never read is refused when given, so the omission shows in
/// `ParseTests.everyDeclaredOptionIsRead`.
struct Option<Value: Sendable>: DeclaredOption {
    let declaration: OptionDeclaration
    /// Parses the texts given for the option (none when it is absent) into
    /// its value, nil when a required option is missing, and returns the
    /// arguments as given for error messages.
    let resolve: @Sendable ([String]) throws(InvalidOptionText) -> (value: Value?, given: [GivenArgument])

    var name: String { declaration.name }
}

extension Option {
    /// Must be given: reading it yields the value.
    static func required(_ name: String, _ type: ValueType<Value>, placeholder: String? = nil,
                         help: String) -> Option {
        Option(declaration: type.declaration(name, placeholder, .required, help: help)) { texts throws(InvalidOptionText) in
            guard let text = texts.first else { return (nil, []) }
            let (value, given) = try type.parseGiven(text, for: name)
            return (value, [given])
        }
    }

    /// May be given; `defaultValue` applies otherwise and is shown in the help.
    static func defaulted(_ name: String, _ type: ValueType<Value>, default defaultValue: Value,
                          placeholder: String? = nil, help: String) -> Option {
        let declaration = type.declaration(name, placeholder, .optional, help: help,
                                           defaultText: type.format(defaultValue))
        return Option(declaration: declaration) { texts throws(InvalidOptionText) in
            guard let text = texts.first else { return (defaultValue, []) }
            let (value, given) = try type.parseGiven(text, for: name)
            return (value, [given])
        }
    }

    /// May be given; reading it yields nil when it is absent.
    static func optional<Wrapped>(_ name: String, _ type: ValueType<Wrapped>, placeholder: String? = nil,
                                  help: String) -> Option where Value == Wrapped? {
        Option(declaration: type.declaration(name, placeholder, .optional, help: help)) { texts throws(InvalidOptionText) in
            guard let text = texts.first else { return (.some(nil), []) }
            let (value, given) = try type.parseGiven(text, for: name)
            return (value, [given])
        }
    }

    /// May be given any number of times; reading it yields the values in
    /// command-line order (empty when absent).
    static func repeatable<Element>(_ name: String, _ type: ValueType<Element>, placeholder: String? = nil,
                                    help: String) -> Option where Value == [Element] {
        Option(declaration: type.declaration(name, placeholder, .repeatable, help: help)) { texts throws(InvalidOptionText) in
            var values: [Element] = []
            var given: [GivenArgument] = []
            for text in texts {
                let (value, argument) = try type.parseGiven(text, for: name)
                values.append(value)
                given.append(argument)
            }
            return (values, given)
        }
    }
}

extension Option where Value == Bool {
    /// Present or absent; takes no value.
    static func flag(_ name: String, help: String) -> Option {
        let declaration = OptionDeclaration(name: name, placeholder: nil, presence: .optional, help: help,
                                            accepted: nil, defaultText: nil)
        return Option(declaration: declaration) { texts in (!texts.isEmpty, []) }
    }
}

private extension ValueType {
    func declaration(_ name: String, _ placeholder: String?, _ presence: OptionDeclaration.Presence,
                     help: String, defaultText: String? = nil) -> OptionDeclaration {
        OptionDeclaration(name: name, placeholder: placeholder ?? self.placeholder, presence: presence,
                          help: help, accepted: accepted, defaultText: defaultText)
    }

    func parseGiven(_ text: String, for option: String) throws(InvalidOptionText) -> (T, GivenArgument) {
        do {
            let value = try parse(text)
            return (value, GivenArgument(option: option, text: text, datasets: datasets(value)))
        } catch {
            throw InvalidOptionText(text: text, rejection: error)
        }
    }
}
