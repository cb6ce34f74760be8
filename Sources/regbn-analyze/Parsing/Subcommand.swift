/// The tool's subcommands, in the order the top-level help lists them.
enum Subcommand: String, CaseIterable, Sendable {
    case inspect, normalize, audit, dependence, spectrum, channels, demo
}
