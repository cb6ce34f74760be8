import Foundation
import HDF5IO
import Testing
import TestSupport

/// The error policy seen from the binary: exit codes, the argument quoted as
/// typed, the command-line advice, and oversized option values refused before
/// any work (issue 9: `--epochs 9223372036854775807` trapped and left a
/// staging file; `--permutations 1000000000000` aborted on allocation).
@Suite struct ErrorPolicyEndToEndTests {
    /// `/f` random [40, 3]; `/g` all zeros [40, 2], whose batches have only
    /// zero singular values.
    private func makePair(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("pair.h5").path
        let writer = try HDF5Writer(creating: path)
        try writer.write("/f", shape: [40, 3], values: (0..<120).map { Float(sin(Double($0) * 0.7)) })
        try writer.write("/g", shape: [40, 2], values: [Float](repeating: 0, count: 80))
        try writer.finish()
        return path
    }

    private func entries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func oversizedValuesAreUsageErrorsBeforeAnyWork() throws {
        let directory = try TestPaths.temporaryDirectory("error-policy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try makePair(in: directory)
        let out = directory.appendingPathComponent("out.h5").path
        let cases: [([String], String)] = [
            (["normalize", "--f", "\(file):/f", "--g", "\(file):/g", "--batch-size", "10",
              "--epochs", "9223372036854775807", "--out", out],
             "The value '9223372036854775807' is invalid for '--epochs <e>': expected an integer from 1 to 1000000."),
            (["dependence", "--x", "\(file):/f", "--y", "\(file):/g", "--permutations", "1000000000000",
              "--out", directory.appendingPathComponent("r").path],
             "The value '1000000000000' is invalid for '--permutations <r>': expected an integer from 0 to 1000000."),
            (["spectrum", "--x", "\(file):/f", "--batch-size", "4294967296", "--out", directory.appendingPathComponent("s").path],
             "The value '4294967296' is invalid for '--batch-size <b>': expected an integer from 1 to 2147483647."),
        ]
        for (arguments, message) in cases {
            let run = try ToolRunner.run(arguments)
            #expect(run.status == 2, "\(arguments[0]): \(run.stderr)")
            #expect(run.stderr.hasPrefix("Error: \(message)\n"), "\(run.stderr)")
            #expect(try entries(directory) == ["pair.h5"], "\(arguments[0]) left files behind")
        }
    }

    @Test func inputErrorsQuoteTheArgumentAndSayWhatToDo() throws {
        let directory = try TestPaths.temporaryDirectory("error-policy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try makePair(in: directory)
        let missingDataset = try ToolRunner.run(["spectrum", "--x", "\(file):nope", "--batch-size", "5",
                                                 "--out", directory.appendingPathComponent("r").path])
        #expect(missingDataset.status == 3)
        #expect(missingDataset.stderr.hasPrefix("Error: --x \(file):nope: no such dataset"), "\(missingDataset.stderr)")
        #expect(missingDataset.stderr.contains("`regbn-analyze inspect \(file)`"))

        let absent = directory.appendingPathComponent("absent.h5").path
        let missingFile = try ToolRunner.run(["dependence", "--x", "\(absent):/f", "--y", "\(absent):/g",
                                              "--out", directory.appendingPathComponent("r").path])
        #expect(missingFile.status == 3)
        #expect(missingFile.stderr.hasPrefix("Error: --x \(absent):/f and --y \(absent):/g: no such file"),
                "\(missingFile.stderr)")
        #expect(try entries(directory) == ["pair.h5"])
    }

    @Test func regbnErrorsNameTheDatasetAndTheFlag() throws {
        let directory = try TestPaths.temporaryDirectory("error-policy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try makePair(in: directory)
        let run = try ToolRunner.run(["normalize", "--f", "\(file):/f", "--g", "\(file):/g", "--batch-size", "10",
                                      "--epochs", "1", "--out", directory.appendingPathComponent("o.h5").path])
        #expect(run.status == 3)
        #expect(run.stderr.hasPrefix("Error: --g \(file):/g: s² + λ is zero"), "\(run.stderr)")
        #expect(run.stderr.contains("Set --sigma-min to a positive value"))
        #expect(try entries(directory) == ["pair.h5"], "normalize left a partial output")
    }
}
