/// Everything the parser and the help printer know about a subcommand: its
/// texts, its arguments and options (in help order), and the builder that
/// reads their values into the subcommand's typed options.
struct CommandSpec: Sendable {
    let subcommand: Subcommand
    let abstract: String
    let discussion: String?
    let arguments: [Argument]
    let options: [any DeclaredOption]
    let build: @Sendable (inout OptionValues) throws(UsageError) -> Invocation

    init(_ subcommand: Subcommand, abstract: String, discussion: String? = nil, arguments: [Argument] = [],
         options: [any DeclaredOption], build: @escaping @Sendable (inout OptionValues) throws(UsageError) -> Invocation) {
        self.subcommand = subcommand
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.build = build
    }

    var declarations: [OptionDeclaration] { options.map(\.declaration) }
}
