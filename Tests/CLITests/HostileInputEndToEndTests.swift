import Foundation
import Testing
import TestSupport

/// The hostile-input corpus (Tests/InputCorpus/make_inputs.py hostile) run
/// through every command that reads features: each exits with status 3
/// (`inspect` may list a file whose damage is in the data), never dies of a
/// signal or hangs, leaves no output behind, and names the argument as given.
@Suite(.serialized) struct HostileInputEndToEndTests {
    static let cases = (try? InputCorpus.hostileCases()) ?? []

    @Test func corpusIsGenerated() throws {
        #expect(try InputCorpus.hostileCases().count >= 45)
    }

    static func commands(_ argument: String, good: String) -> [(name: String, arguments: [String])] {
        [
            ("dependence", ["dependence", "--x", argument, "--y", good, "--max-samples", "50", "--out", "r-dependence"]),
            ("channels", ["channels", "--x", argument, "--batch-size", "50"]),
            ("spectrum", ["spectrum", "--x", argument, "--batch-size", "50", "--out", "r-spectrum"]),
            ("normalize", ["normalize", "--f", argument, "--g", good, "--batch-size", "50", "--epochs", "1",
                           "--out", "normalized.h5"]),
        ]
    }

    @Test(arguments: cases)
    func everyCommandRefusesItWithStatus3(_ hostile: InputCorpus.Case) throws {
        let corpus = try InputCorpus.hostile.generate()
        let before = try FileManager.default.contentsOfDirectory(atPath: corpus.directory.path).sorted()
        for (name, arguments) in Self.commands(hostile.argument, good: "good.h5:/g") {
            let run = try ToolRunner.run(arguments, in: corpus.directory)
            #expect(run.exited, "\(name) died of signal \(run.status): \(run.stderr)")
            #expect(run.status == 3, "\(name): \(run.stderr)")
            #expect(run.stderr.hasPrefix("Error: "), "\(name): \(run.stderr)")
            #expect(run.stderr.contains(hostile.argument) || run.stderr.contains(hostile.file),
                    "\(name) must quote \(hostile.argument): \(run.stderr)")
            #expect(run.stderr.contains(hostile.expect), "\(name): \(run.stderr)")
            #expect(!run.stderr.contains("HDF5-DIAG"), "\(name): HDF5 printed its own error stack")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: corpus.directory.path).sorted() == before,
                "a refused run left files behind")
    }

    @Test(arguments: cases)
    func inspectListsOrRefusesButNeverCrashes(_ hostile: InputCorpus.Case) throws {
        let corpus = try InputCorpus.hostile.generate()
        let run = try ToolRunner.run(["inspect", hostile.file], in: corpus.directory)
        #expect(run.exited, "inspect died of signal \(run.status): \(run.stderr)")
        #expect(run.status == 0 || run.status == 3, "\(run.stderr)")
        if let succeeds = hostile.inspectSucceeds {
            #expect((run.status == 0) == succeeds, "\(run.stdout)\(run.stderr)")
        }
        if run.status == 3 { #expect(run.stderr.contains(hostile.file), "\(run.stderr)") }
    }
}
