import Suggestions

/// What one run of the tool was asked to do.
enum Invocation: Sendable, Equatable {
    case help(Subcommand?)
    case version
    case inspect(InspectOptions)
    case normalize(NormalizeOptions)
    case audit(AuditOptions)
    case dependence(DependenceOptions)
    case spectrum(SpectrumOptions)
    case channels(ChannelsOptions)
    case demo(DemoOptions)
}

/// An invocation and the arguments it was built from, as the user typed
/// them, so that errors can quote the argument they concern.
struct ParsedCommandLine: Sendable {
    let invocation: Invocation
    let subcommand: Subcommand?
    let given: [GivenArgument]
}

/// Parses the arguments after the program name. Pure: no I/O, no exit.
func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
    try parseCommandLine(arguments).invocation
}

/// `parse`, keeping the arguments as given for error messages.
func parseCommandLine(_ arguments: [String]) throws(UsageError) -> ParsedCommandLine {
    guard let first = arguments.first else {
        throw UsageError("Missing subcommand; choose one of \(Subcommand.allCases.map(\.rawValue).joined(separator: ", ")).",
                         subcommand: nil)
    }
    func plain(_ invocation: Invocation) -> ParsedCommandLine {
        ParsedCommandLine(invocation: invocation, subcommand: nil, given: [])
    }
    switch first {
    case "-h", "--help":
        return plain(.help(nil))
    case "--version":
        return plain(.version)
    case "help":
        guard arguments.count > 1 else { return plain(.help(nil)) }
        guard arguments.count == 2 else {
            throw UsageError("'help' takes one subcommand name.", subcommand: nil)
        }
        return plain(.help(try subcommand(named: arguments[1])))
    default:
        let sub = try subcommand(named: first)
        let spec = sub.spec
        switch try ArgumentSplitter.split(Array(arguments.dropFirst()), for: spec) {
        case .help:
            return plain(.help(sub))
        case .split(var values):
            let invocation = try spec.build(&values)
            if let forgotten = values.unreadOptions.first {
                // A builder that does not read a declared option would drop its value.
                throw UsageError("Option '\(forgotten.flagName)' is declared but not used by '\(sub.rawValue)'.",
                                 subcommand: sub)
            }
            return ParsedCommandLine(invocation: invocation, subcommand: sub, given: values.given)
        }
    }
}

private func subcommand(named name: String) throws(UsageError) -> Subcommand {
    if let sub = Subcommand(rawValue: name) { return sub }
    let kind = name.hasPrefix("-") ? "option" : "subcommand"
    var message = "Unknown \(kind) '\(name)'."
    if let guess = closestMatch(to: name, in: Subcommand.allCases.map(\.rawValue)) {
        message += " Did you mean '\(guess)'?"
    }
    throw UsageError(message, subcommand: nil)
}
