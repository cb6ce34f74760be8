import Foundation
import Diagnostics
import FeatureFiles
import HDF5IO
import RegBN

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
        case .normalize(let options):
            try NormalizeCommand(options: options, arguments: arguments).run()
        case .audit(let options):
            let result = try AuditCommand(options: options, arguments: arguments).run()
            Console.out(AuditSummaryText.render(result))
        case .dependence(let options):
            Console.out(try DependenceCommand(options: options, arguments: arguments).run())
        case .spectrum(let options):
            Console.out(try SpectrumCommand(options: options, arguments: arguments).run())
        case .channels(let options):
            Console.out(try ChannelsCommand(options: options, arguments: arguments).run())
        case .demo(let options):
            Console.out(try DemoCommand(options: options, arguments: arguments).run())
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
        case let file as FeatureFileError:
            return (file.kind == .invalidLocation ? .usage : .badInput, "Error: \(file)\n")
        case let input as InputError:
            return (.badInput, "Error: \(input)\n")
        case let regbn as RegBNError:
            switch regbn {
            case .invalidConfiguration: return (.usage, "Error: \(regbn)\n")
            case .decompositionFailed: return (.failure, "Error: \(regbn)\n")
            default: return (.badInput, "Error: \(regbn)\n")
            }
        case let staged as StageDiagnosticsError:
            if case .invalidSetting = staged.underlying { return (.usage, "Error: \(staged)\n") }
            return (.badInput, "Error: \(staged)\n")
        case let diagnostics as DiagnosticsError:
            if case .invalidSetting = diagnostics { return (.usage, "Error: \(diagnostics)\n") }
            return (.badInput, "Error: \(diagnostics)\n")
        default:
            return (.failure, "Error: \(error)\n")
        }
    }
}
