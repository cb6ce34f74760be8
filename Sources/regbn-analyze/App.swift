/// Runs one invocation and turns every outcome into the SPEC's exit codes:
/// help and version on stdout, everything that goes wrong on stderr, through
/// `ErrorPolicy`.
enum App {
    static func main(_ arguments: [String]) -> ExitStatus {
        Console.ignoreBrokenPipes()
        let commandLine: ParsedCommandLine
        do {
            commandLine = try parseCommandLine(arguments)
        } catch {
            return fail(error, in: .commandLine)
        }
        do {
            try run(commandLine.invocation, arguments: arguments)
        } catch {
            return fail(error, in: ErrorContext(subcommand: commandLine.subcommand, given: commandLine.given))
        }
        // The work is done, but its diagnostics did not all reach the user.
        return Console.stderrFailed ? .failure : .success
    }

    static func run(_ invocation: Invocation, arguments: [String]) throws {
        switch invocation {
        case .help(let sub):
            try Console.out(HelpText.help(for: sub))
        case .version:
            try Console.out("\(HelpText.toolName) \(ToolVersion.current)\n")
        case .inspect(let options):
            try InspectCommand(options: options).run()
        case .normalize(let options):
            try NormalizeCommand(options: options, arguments: arguments).run()
        case .audit(let options):
            let result = try AuditCommand(options: options, arguments: arguments).run()
            try Console.out(AuditSummaryText.render(result))
        case .dependence(let options):
            try Console.out(try DependenceCommand(options: options, arguments: arguments).run())
        case .spectrum(let options):
            try Console.out(try SpectrumCommand(options: options, arguments: arguments).run())
        case .channels(let options):
            try Console.out(try ChannelsCommand(options: options, arguments: arguments).run())
        case .demo(let options):
            try Console.out(try DemoCommand(options: options, arguments: arguments).run())
        }
    }

    /// Reports `error` on stderr and returns its exit status. A closed pipe
    /// on stdout is not reported: its reader no longer wants the output.
    private static func fail(_ error: any Error, in context: ErrorContext) -> ExitStatus {
        if let console = error as? ConsoleError, console.isBrokenPipe { return console.exitStatus }
        let (status, text) = ErrorPolicy.report(error, in: context)
        Console.error(text)
        return status
    }
}
