/// A subcommand whose library has not been wired into this build yet.
struct UnavailableCommand: Error, CustomStringConvertible {
    let invocation: Invocation
    var description: String {
        "This subcommand is not available in this build of \(HelpText.toolName) \(ToolVersion.current): its library is not wired in yet."
    }
}
