import HDF5IO
import Testing
@testable import regbn_analyze

/// Every error type maps to the SPEC's exit codes: 2 usage, 3 bad input, 1 other.
@Suite struct ExitStatusTests {
    struct Unexpected: Error {}

    @Test func errorsMapToTheirExitCodes() {
        let cases: [(Error, regbn_analyze.ExitStatus)] = [
            (UsageError("x", subcommand: .audit), .usage),
            (OutputError(.exists, path: "/r", "exists"), .usage),
            (OutputError(.appearedMeanwhile, path: "/r", "appeared"), .usage),
            (OutputError(.wrongKind, path: "/r", "a file"), .usage),
            (OutputError(.invalidPath, path: "/r", "a file in the way"), .usage),
            (OutputError(.writeFailed, path: "/r", "disk full"), .failure),
            (HDF5Error(.fileNotFound, file: "a.h5", message: "no such file"), .badInput),
            (HDF5Error(.unsupportedType, file: "a.h5", dataset: "/s", message: "strings"), .badInput),
            (HDF5Error(.fileExists, file: "o.h5", message: "exists"), .usage),
            (HDF5Error(.writeFailed, file: "o.h5", message: "disk full"), .failure),
            (InputError("NaN at sample 3"), .badInput),
            (Unexpected(), .failure),
        ]
        for (error, status) in cases {
            let (mapped, text) = App.describe(error)
            #expect(mapped == status, "\(error)")
            #expect(text.hasPrefix("Error: ") && text.hasSuffix("\n"))
        }
    }
}
