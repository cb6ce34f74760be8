import Diagnostics
import FeatureFiles
import Foundation
import HDF5IO
import Linalg
import RegBN
import Testing
@testable import regbn_analyze

/// Every error type, and every kind or case of it, maps to the SPEC's exit
/// codes (2 usage, 3 bad input, 1 other) through `ErrorPolicy`, the one place
/// that decides them; messages quote the argument as given and add the
/// command-line advice the libraries leave out.
@Suite struct ExitStatusTests {
    struct Unexpected: Error {}

    struct Case: CustomStringConvertible, @unchecked Sendable {
        let error: any Error
        let status: regbn_analyze.ExitStatus
        var description: String { "\(type(of: error)): \(error)" }
    }

    /// What each kind of HDF5Error means for the user. An exhaustive switch,
    /// so a new kind does not compile until this table says what it is.
    static func expected(_ kind: HDF5Error.Kind) -> regbn_analyze.ExitStatus {
        switch kind {
        case .fileNotFound, .notRegularFile, .notHDF5, .formatTooNew, .corruptFile, .missingLinkedFile,
             .datasetNotFound, .notADataset, .attributeNotFound, .unsupportedType, .filterUnavailable, .notFeatures,
             .noData, .tooLarge, .nonFinite, .outOfRange, .readFailed:
            return .badInput
        case .fileExists:
            return .usage
        case .writeFailed, .invalidArgument, .library:
            return .failure
        }
    }

    static let hdf5Kinds: [HDF5Error.Kind] = [
        .fileNotFound, .notRegularFile, .notHDF5, .formatTooNew, .corruptFile, .missingLinkedFile, .fileExists,
        .datasetNotFound, .notADataset, .attributeNotFound, .unsupportedType, .filterUnavailable, .notFeatures,
        .noData, .tooLarge, .nonFinite, .outOfRange, .invalidArgument, .readFailed, .writeFailed, .library,
    ]

    /// What each kind of FeatureFileError (.npy/.npz/.safetensors) means for the user.
    static func expected(_ kind: FeatureFileError.Kind) -> regbn_analyze.ExitStatus {
        switch kind {
        case .invalidLocation:
            return .usage
        case .fileNotFound, .notRegularFile, .malformedHeader, .truncated, .unsupportedType, .fortranOrder,
             .notFeatures, .memberNotFound, .nonFinite, .tooLarge, .outOfRange, .invalidArgument, .readFailed:
            return .badInput
        }
    }

    static let featureFileKinds: [FeatureFileError.Kind] = [
        .invalidLocation, .fileNotFound, .notRegularFile, .malformedHeader, .truncated, .unsupportedType,
        .fortranOrder, .notFeatures, .memberNotFound, .nonFinite, .tooLarge, .outOfRange, .invalidArgument,
        .readFailed,
    ]

    static let shape = DiagnosticsError.Shape(rows: 5, columns: 2)

    static let cases: [Case] = [
        Case(error: UsageError("x", subcommand: .audit), status: .usage),
        Case(error: InputError("NaN at sample 3"), status: .badInput),
        Case(error: OutputError(.exists, path: "/r", "exists"), status: .usage),
        Case(error: OutputError(.appearedMeanwhile, path: "/r", "appeared"), status: .usage),
        Case(error: OutputError(.wrongKind, path: "/r", "a file"), status: .usage),
        Case(error: OutputError(.invalidPath, path: "/r", "a file in the way"), status: .usage),
        Case(error: OutputError(.writeFailed, path: "/r", "disk full"), status: .failure),
        Case(error: ConsoleError(stream: "standard output", errorNumber: ENOSPC), status: .failure),
        Case(error: ConsoleError(stream: "standard output", errorNumber: EPIPE), status: .failure),
        Case(error: RegBNError.invalidConfiguration("channel counts must be positive (f 0, g 6)"), status: .badInput),
        Case(error: RegBNError.shapeMismatch("f has 3 features"), status: .badInput),
        Case(error: RegBNError.infiniteInput(modality: "g", row: 1, column: 2), status: .badInput),
        Case(error: RegBNError.singularRegularisedSpectrum(lambda: 0), status: .badInput),
        Case(error: RegBNError.decompositionFailed("did not converge"), status: .badInput),
        Case(error: RegBNError.invalidLambdaSchedule("3 λ's for 4 steps"), status: .badInput),
        Case(error: DiagnosticsError.sampleCountMismatch(x: shape, y: shape), status: .badInput),
        Case(error: DiagnosticsError.nonFinite(operand: "x", sample: 1, feature: 0, value: .nan), status: .badInput),
        Case(error: DiagnosticsError.tooFewSamples(statistic: "HSIC", needed: 6, got: 5), status: .badInput),
        Case(error: DiagnosticsError.noFeatures(operand: "x", shape: shape), status: .badInput),
        Case(error: DiagnosticsError.channelLayoutMismatch(operand: "x", columns: 5, channels: 2), status: .badInput),
        Case(error: DiagnosticsError.notCategorical(operand: "y", sample: 3, reason: "2.5 is not a whole number"),
             status: .badInput),
        Case(error: DiagnosticsError.strataCountMismatch(samples: 5, labels: 4), status: .badInput),
        Case(error: DiagnosticsError.unpairedBootstrap(reason: "different seeds"), status: .failure),
        Case(error: DiagnosticsError.invalidSetting(name: "batch size", value: "0", requirement: "must be at least 1"),
             status: .usage),
        Case(error: StageDiagnosticsError(stage: "raw", xName: "--x a.h5:/f", yName: "--y a.h5:/g",
                                          underlying: .tooFewSamples(statistic: "HSIC", needed: 6, got: 5)),
             status: .badInput),
        Case(error: StageDiagnosticsError(stage: "raw", xName: "--x a.h5:/f", yName: "--y a.h5:/g",
                                          underlying: .invalidSetting(name: "s", value: "0", requirement: "> 0")),
             status: .usage),
        Case(error: LinalgError.illegalArgument(routine: "dgesdd", position: 4), status: .failure),
        Case(error: LinalgError.didNotConverge(routine: "dgesdd", info: 3), status: .badInput),
        Case(error: LinalgError.nonFinite(routine: "dgesdd"), status: .badInput),
        Case(error: Unexpected(), status: .failure),
    ] + hdf5Kinds.map { kind in
        Case(error: HDF5Error(kind, file: "a.h5", dataset: "/f", message: "something"), status: expected(kind))
    } + featureFileKinds.map { kind in
        Case(error: FeatureFileError(kind, file: "a.npz", member: "f", message: "something"), status: expected(kind))
    }

    @Test(arguments: cases)
    func everyErrorMapsToItsExitStatus(_ testCase: Case) {
        let context = ErrorContext(subcommand: .audit, given: [])
        let (status, text) = ErrorPolicy.report(testCase.error, in: context)
        #expect(status == testCase.status)
        #expect(text.hasPrefix("Error: ") && text.hasSuffix("\n"))
    }

    // MARK: - Quoting the argument as given, and the advice

    static let audit = ["audit", "--f", "a.h5:f", "--g", "a.h5:/g", "--batch-size", "5", "--epochs", "1",
                        "--out", "r", "--lambda-from", "log.h5:/lambda"]

    static func context(_ arguments: [String]) throws -> ErrorContext {
        let parsed = try parseCommandLine(arguments)
        return ErrorContext(subcommand: parsed.subcommand, given: parsed.given)
    }

    @Test func inputErrorsQuoteTheArgumentThatNamedTheDataset() throws {
        let context = try Self.context(Self.audit)
        let missing = HDF5Error(.datasetNotFound, file: "a.h5", dataset: "/f", message: "no such dataset; the file has: /g",
                                fix: "Use one of the datasets listed")
        #expect(ErrorPolicy.report(missing, in: context).text == """
            Error: --f a.h5:f: no such dataset; the file has: /g. Use one of the datasets listed
              List the file's datasets with `regbn-analyze inspect a.h5`.

            """)
        let lambda = HDF5Error(.notFeatures, file: "log.h5", dataset: "lambda", message: "the dataset is a scalar")
        #expect(ErrorPolicy.report(lambda, in: context).text == "Error: --lambda-from log.h5:/lambda: the dataset is a scalar\n")
    }

    @Test func fileErrorsQuoteEveryArgumentNamingTheFile() throws {
        let context = try Self.context(Self.audit)
        let missing = HDF5Error(.fileNotFound, file: "a.h5", message: "no such file")
        #expect(ErrorPolicy.report(missing, in: context).text == "Error: --f a.h5:f and --g a.h5:/g: no such file\n")
        // A location the arguments do not name exactly stays in the message.
        let inner = HDF5Error(.corruptFile, file: "a.h5", dataset: "/other", message: "bad")
        #expect(ErrorPolicy.report(inner, in: context).text == "Error: --f a.h5:f and --g a.h5:/g: a.h5:/other: bad\n")
    }

    @Test func positionalFilesAreQuotedToo() throws {
        let context = try Self.context(["inspect", "x.h5"])
        let error = HDF5Error(.notHDF5, file: "x.h5", message: "not an HDF5 file")
        #expect(ErrorPolicy.report(error, in: context).text == "Error: x.h5: not an HDF5 file\n")
    }

    @Test func regbnErrorsQuoteTheDataTheyConcernAndNameTheFlag() throws {
        let context = try Self.context(Self.audit)
        let (status, text) = ErrorPolicy.report(RegBNError.singularRegularisedSpectrum(lambda: 0), in: context)
        #expect(status == .badInput)
        #expect(text.hasPrefix("Error: --g a.h5:/g: s² + λ is zero"))
        #expect(text.hasSuffix("\n  Set --sigma-min to a positive value (e.g. 1e-8) so that zero singular values are replaced.\n"))
        let configuration = ErrorPolicy.report(RegBNError.invalidConfiguration("channel counts must be positive (f 0, g 6)"),
                                               in: context).text
        #expect(configuration.hasPrefix("Error: --f a.h5:f and --g a.h5:/g: invalid RegBN configuration"))
        let schedule = ErrorPolicy.report(RegBNError.invalidLambdaSchedule("3 values"), in: context).text
        #expect(schedule.hasPrefix("Error: --lambda-from log.h5:/lambda: invalid λ schedule"))
    }

    @Test func librariesLeaveTheFlagsToTheExecutable() {
        #expect(!String(describing: RegBNError.singularRegularisedSpectrum(lambda: 0)).contains("--"))
        #expect(!String(describing: DiagnosticsError.tooFewSamples(statistic: "HSIC", needed: 6, got: 5)).contains("--"))
    }

    @Test func diagnosticsAdviceNamesTheFlag() throws {
        let audit = try Self.context(Self.audit)
        let tooFewForHSIC = DiagnosticsError.tooFewSamples(statistic: "HSIC", needed: 6, got: 5)
        #expect(ErrorPolicy.report(tooFewForHSIC, in: audit).text.hasSuffix("If --max-samples limits the samples, raise it.\n"))
        let spectrum = try Self.context(["spectrum", "--x", "s.h5:/g", "--batch-size", "5", "--out", "r"])
        let tooFew = ErrorPolicy.report(DiagnosticsError.tooFewSamples(statistic: "spectra", needed: 5, got: 3), in: spectrum)
        #expect(tooFew.text.hasPrefix("Error: --x s.h5:/g: spectra needs at least 5 samples"))
    }

    @Test func existingOutputsPointToForce() {
        let (status, text) = ErrorPolicy.report(HDF5Error(.fileExists, file: "o.h5", message: "the file already exists"),
                                                in: .commandLine)
        #expect(status == .usage && text.contains("--force"))
    }

    @Test func usageErrorsKeepTheirThreeLines() {
        let (status, text) = ErrorPolicy.report(UsageError("Unknown option '--x'.", subcommand: .inspect), in: .commandLine)
        #expect(status == .usage)
        #expect(text == HelpText.render(UsageError("Unknown option '--x'.", subcommand: .inspect)))
    }
}
