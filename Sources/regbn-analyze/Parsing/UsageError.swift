/// A mistake on the command line: printed as `Error: … / Usage: … / See …`
/// on stderr, exit code 2.
struct UsageError: Error, Equatable, Sendable {
    let message: String
    /// The subcommand whose usage line and help are pointed to (nil: the tool's).
    let subcommand: Subcommand?

    init(_ message: String, subcommand: Subcommand?) {
        self.message = message
        self.subcommand = subcommand
    }
}
