import Diagnostics
import FeatureFiles
import HDF5IO
import Linalg
import RegBN

/// The one place that decides how an error reaches the user: its exit status
/// (see `ExitStatus` for the meaning of each), the command-line arguments it
/// concerns, quoted as typed, and the command-line advice that libraries,
/// which describe problems in their own terms, cannot give.
///
/// Library error types get their status below; enums are switched over
/// exhaustively, so a new case does not compile until it is mapped here.
enum ErrorPolicy {
    /// Exit status and stderr text for `error`, raised while running `context`.
    static func report(_ error: any Error, in context: ErrorContext) -> (status: ExitStatus, text: String) {
        if let usage = error as? UsageError { return (.usage, HelpText.render(usage)) }
        guard let known = error as? any ExitStatusProviding else { return (.failure, "Error: \(error)\n") }
        var text = "Error: "
        let quoted = concernedArguments(of: error, in: context)
        var body = String(describing: error)
        if !quoted.isEmpty {
            text += quoted.map(\.description).joined(separator: " and ") + ": "
            if let located = error as? any LocatedInputError, quoted.allSatisfy(located.isNamed(by:)) {
                body = located.messageWithoutLocation
            }
        }
        text += body
        if let advice = known.advice(in: context) { text += "\n  " + advice }
        return (known.exitStatus, text + "\n")
    }

    /// The arguments an error is about: those naming the file and dataset an
    /// input error names, RegBN's f/g pair for RegBN errors, or the only input
    /// of a single-input command for data errors without a location.
    static func concernedArguments(of error: any Error, in context: ErrorContext) -> [GivenArgument] {
        switch error {
        case let located as any LocatedInputError:
            return located.arguments(in: context.given)
        case let regbn as RegBNError:
            return context.given.filter { argument in argument.option.map(regbn.concernedOptions.contains) ?? false }
        case is DiagnosticsError, is LinalgError:
            let inputs = context.given.filter { !$0.datasets.isEmpty }
            return inputs.count == 1 ? inputs : []
        default:
            return []
        }
    }
}

/// What the policy knows about the run an error happened in.
struct ErrorContext: Sendable {
    let subcommand: Subcommand?
    /// The arguments as typed, with the datasets they name.
    let given: [GivenArgument]

    static let commandLine = ErrorContext(subcommand: nil, given: [])
}

// MARK: - Errors that name an input file

/// An error about an input file (and a dataset in it), which the policy
/// attributes to the argument that named them.
protocol LocatedInputError: Error {
    var inputFile: String { get }
    var inputDataset: String? { get }
    /// The description without its leading `file:dataset: `.
    var messageWithoutLocation: String { get }
}

extension LocatedInputError {
    /// Arguments naming the dataset, else every argument naming the file
    /// (or given as the file itself: `inspect FILE`, `--out FILE`).
    func arguments(in given: [GivenArgument]) -> [GivenArgument] {
        let sameFile = given.filter { $0.datasets.contains { $0.file == inputFile } }
        let exact = sameFile.filter(isNamed(by:))
        if !exact.isEmpty { return exact }
        if sameFile.isEmpty { return given.filter { $0.datasets.isEmpty && $0.text == inputFile } }
        return sameFile
    }

    /// Whether `argument` names exactly this error's location, so that the
    /// location need not be repeated after the quoted argument.
    func isNamed(by argument: GivenArgument) -> Bool {
        guard let inputDataset else {
            return argument.text == inputFile || argument.datasets.contains { $0.file == inputFile }
        }
        return argument.datasets.contains { $0.file == inputFile && Self.samePath($0.path, inputDataset) }
    }

    private static func samePath(_ a: String, _ b: String) -> Bool {
        func trimmed(_ path: String) -> Substring { path.drop { $0 == "/" } }
        return trimmed(a) == trimmed(b)
    }
}

extension LocatedInputError where Self: CustomStringConvertible {
    /// Library errors describe themselves as `file[:dataset]: message`.
    var messageWithoutLocation: String {
        let location = inputFile + (inputDataset.map { ":\($0)" } ?? "") + ": "
        return description.hasPrefix(location) ? String(description.dropFirst(location.count)) : description
    }
}

extension HDF5Error: LocatedInputError {
    var inputFile: String { file }
    var inputDataset: String? { dataset }
}

extension FeatureFileError: LocatedInputError {
    var inputFile: String { file }
    var inputDataset: String? { member }
}

// MARK: - Exit status and advice of each error type

extension UsageError: ExitStatusProviding {
    var exitStatus: ExitStatus { .usage }
}

extension InputError: ExitStatusProviding {
    var exitStatus: ExitStatus { .badInput }
}

/// `OutputError` states its own exit status (`exitStatus`, by kind).
extension OutputError: ExitStatusProviding {}

extension StageDiagnosticsError: ExitStatusProviding {
    var exitStatus: ExitStatus { underlying.exitStatus }
    func advice(in context: ErrorContext) -> String? { underlying.advice(in: context) }
}

extension HDF5Error: ExitStatusProviding {
    /// HDF5IO mostly reads inputs, so every kind not listed here is about an
    /// input (missing, unreadable, malformed, unsupported, too big): bad input.
    var exitStatus: ExitStatus {
        switch kind {
        // An existing output without --force.
        case .fileExists:
            return .usage
        // Writing an output failed, a misuse of the writer, or HDF5 itself failed.
        case .writeFailed, .invalidArgument, .library:
            return .failure
        default:
            return .badInput
        }
    }

    func advice(in context: ErrorContext) -> String? {
        switch kind {
        case .datasetNotFound, .notADataset:
            return "List the file's datasets with `\(HelpText.toolName) inspect \(file)`."
        case .fileExists:
            return "Pass --force to replace it, or choose another --out."
        default:
            return nil
        }
    }
}

extension FeatureFileError: ExitStatusProviding {
    /// A malformed argument is normally caught by the parser; everything else
    /// is about the contents of an input file.
    var exitStatus: ExitStatus { kind == .invalidLocation ? .usage : .badInput }
}

extension RegBNError: ExitStatusProviding {
    /// Every option is checked while parsing, so what RegBN still refuses
    /// comes from the data: its shapes, values or spectrum.
    var exitStatus: ExitStatus {
        switch self {
        case .invalidConfiguration, .shapeMismatch, .infiniteInput, .singularRegularisedSpectrum,
             .decompositionFailed, .invalidLambdaSchedule:
            return .badInput
        }
    }

    func advice(in context: ErrorContext) -> String? {
        switch self {
        case .singularRegularisedSpectrum:
            return "Set \(RegBNOptions.sigmaMin.declaration.flagName) to a positive value (e.g. 1e-8) so that "
                + "zero singular values are replaced."
        case .invalidConfiguration, .shapeMismatch, .infiniteInput, .decompositionFailed, .invalidLambdaSchedule:
            return nil
        }
    }

    /// The options (names without dashes) whose data the error is about.
    var concernedOptions: [String] {
        let f = NormalizeOptions.f.name, g = NormalizeOptions.g.name
        switch self {
        case .infiniteInput(let modality, _, _): return modality == "f" ? [f] : [g]
        case .singularRegularisedSpectrum, .decompositionFailed: return [g]
        case .invalidConfiguration, .shapeMismatch: return [f, g]
        case .invalidLambdaSchedule: return [RegBNOptions.lambdaFrom.name]
        }
    }
}

extension DiagnosticsError: ExitStatusProviding {
    var exitStatus: ExitStatus {
        switch self {
        case .sampleCountMismatch, .nonFinite, .tooFewSamples, .noFeatures, .channelLayoutMismatch,
             .notCategorical, .strataCountMismatch:
            return .badInput
        // Settings come from the command line.
        case .invalidSetting:
            return .usage
        // The executable paired two stages that were not bootstrapped alike: a bug, never the data.
        case .unpairedBootstrap:
            return .failure
        }
    }

    func advice(in context: ErrorContext) -> String? {
        switch self {
        case .tooFewSamples:
            return "If \(DiagnosticOptions.xy.maxSamples.declaration.flagName) limits the samples, raise it."
        case .sampleCountMismatch, .nonFinite, .noFeatures, .channelLayoutMismatch, .invalidSetting,
             .notCategorical, .strataCountMismatch, .unpairedBootstrap:
            return nil
        }
    }
}

extension LinalgError: ExitStatusProviding {
    var exitStatus: ExitStatus {
        switch self {
        // A wrapper bug, never the data.
        case .illegalArgument: return .failure
        // The data made the decomposition impossible.
        case .didNotConverge, .nonFinite: return .badInput
        }
    }
}
