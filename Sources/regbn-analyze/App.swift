import Foundation
import HDF5IO

/// Runs one invocation and turns every outcome into the SPEC's exit codes:
/// help and version on stdout, everything else that goes wrong on stderr.
enum App {
    static func main(_ arguments: [String]) -> ExitStatus {
        let invocation: Invocation
        do {
            invocation = try parse(arguments)
        } catch {
            Console.error(HelpText.render(error))
            return .usage
        }
        do {
            try run(invocation, arguments: arguments)
            return .success
        } catch {
            let (status, text) = describe(error)
            Console.error(text)
            return status
        }
    }

    static func run(_ invocation: Invocation, arguments: [String]) throws {
        switch invocation {
        case .help(let sub):
            Console.out(HelpText.help(for: sub))
        case .version:
            Console.out("\(HelpText.toolName) \(ToolVersion.current)\n")
        case .inspect(let options):
            try InspectCommand(options: options).run()
        case .normalize, .audit, .dependence, .spectrum, .channels, .demo:
            throw UnavailableCommand(invocation: invocation)
        }
    }

    /// Exit status and stderr text for an error, by what the user can do about it.
    static func describe(_ error: Error) -> (ExitStatus, String) {
        switch error {
        case let usage as UsageError:
            return (.usage, HelpText.render(usage))
        case let report as ReportDirectoryError:
            if case .exists = report { return (.usage, "Error: \(report)\n") }
            if case .notADirectory = report { return (.usage, "Error: \(report)\n") }
            if case .parentMissing = report { return (.usage, "Error: \(report)\n") }
            return (.failure, "Error: \(report)\n")
        case let hdf5 as HDF5Error:
            switch hdf5.kind {
            case .fileExists: return (.usage, "Error: \(hdf5)\n")
            case .writeFailed, .library: return (.failure, "Error: \(hdf5)\n")
            default: return (.badInput, "Error: \(hdf5)\n")
            }
        case let input as InputError:
            return (.badInput, "Error: \(input)\n")
        default:
            return (.failure, "Error: \(error)\n")
        }
    }
}
