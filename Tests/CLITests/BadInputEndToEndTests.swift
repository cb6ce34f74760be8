import Foundation
import HDF5IO
import Testing
import TestSupport

/// What users get wrong with their data: each is a clear error, exit code 3
/// (2 for a refused output), and no half-written report.
@Suite struct BadInputEndToEndTests {
    /// Writes `datasets` (path → (shape, values)) into a new file in `directory`.
    private func makeFile(_ directory: URL, _ name: String, _ datasets: [String: ([Int], [Float])]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let writer = try HDF5Writer(creating: path)
        for (dataset, (shape, values)) in datasets.sorted(by: { $0.key < $1.key }) {
            try writer.write(dataset, shape: shape, values: values)
        }
        try writer.finish()
        return path
    }

    private func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { i -> Float in
            let wave: Double = sin(Double(i * 7 + seed) * 0.37)
            let step: Double = 0.1 * Double((i * 13 + seed) % 11)
            return Float(wave + step)
        }
    }

    private func entries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func mismatchedSampleCounts() throws {
        let directory = try TestPaths.temporaryDirectory("bad-input")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try makeFile(directory, "pair.h5", ["/f": ([40, 6], values(240, seed: 1)),
                                                       "/g": ([36, 3], values(108, seed: 2))])
        for command in [["audit", "--batch-size", "10", "--epochs", "1"], ["dependence"]] {
            let roles = command[0] == "audit" ? ("--f", "--g") : ("--x", "--y")
            let run = try ToolRunner.run(command + [roles.0, "\(file):/f", roles.1, "\(file):/g",
                                                    "--out", directory.appendingPathComponent("r").path])
            #expect(run.status == 3, "\(command[0]): \(run.stderr)")
            #expect(run.stderr.contains("[40, 6]") && run.stderr.contains("[36, 3]"), "\(run.stderr)")
            #expect(try entries(directory) == ["pair.h5"], "a failed run left files behind")
        }
    }

    @Test func nanIsReportedWithItsSampleIndex() throws {
        let directory = try TestPaths.temporaryDirectory("bad-input")
        defer { try? FileManager.default.removeItem(at: directory) }
        var g = values(60 * 4, seed: 3)
        g[37 * 4 + 2] = .nan
        let file = try makeFile(directory, "nan.h5", ["/f": ([60, 5], values(300, seed: 4)), "/g": ([60, 4], g)])
        let audit = try ToolRunner.run(["audit", "--f", "\(file):/f", "--g", "\(file):/g", "--batch-size", "10",
                                        "--epochs", "1", "--permutations", "0",
                                        "--out", directory.appendingPathComponent("r").path])
        #expect(audit.status == 3)
        #expect(audit.stderr.contains("sample 37") && audit.stderr.contains("NaN") && audit.stderr.contains("/g"),
                "\(audit.stderr)")
        #expect(try entries(directory) == ["nan.h5"])
        let normalize = try ToolRunner.run(["normalize", "--f", "\(file):/f", "--g", "\(file):/g", "--batch-size", "10",
                                            "--epochs", "1", "--out", directory.appendingPathComponent("o.h5").path])
        #expect(normalize.status == 3 && normalize.stderr.contains("sample 37"))
        #expect(try entries(directory) == ["nan.h5"], "normalize left a partial output")
    }

    @Test func missingDatasetAndMissingFile() throws {
        let directory = try TestPaths.temporaryDirectory("bad-input")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try makeFile(directory, "one.h5", ["/f": ([20, 3], values(60, seed: 5))])
        let missingDataset = try ToolRunner.run(["spectrum", "--x", "\(file):/nope", "--batch-size", "5",
                                                 "--out", directory.appendingPathComponent("r").path])
        #expect(missingDataset.status == 3)
        #expect(missingDataset.stderr.contains("/nope") && missingDataset.stderr.contains("/f"), "\(missingDataset.stderr)")
        let missingFile = directory.appendingPathComponent("absent.h5").path
        let run = try ToolRunner.run(["channels", "--x", "\(missingFile):/g", "--batch-size", "5"])
        #expect(run.status == 3 && run.stderr.contains(missingFile))
        for stderr in [missingDataset.stderr, run.stderr] {
            #expect(!stderr.contains("HDF5-DIAG"), "HDF5's own stderr printing must be silenced")
        }
        #expect(try entries(directory) == ["one.h5"])
    }

    @Test func batchLargerThanTheData() throws {
        let directory = try TestPaths.temporaryDirectory("bad-input")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try makeFile(directory, "small.h5", ["/f": ([8, 3], values(24, seed: 6)), "/g": ([8, 2], values(16, seed: 7))])
        let run = try ToolRunner.run(["normalize", "--f", "\(file):/f", "--g", "\(file):/g", "--batch-size", "10",
                                      "--epochs", "1", "--out", directory.appendingPathComponent("o.h5").path])
        #expect(run.status == 3 && run.stderr.contains("--batch-size 10"), "\(run.stderr)")
    }

    @Test func existingReportIsRefusedAndKept() throws {
        let directory = try TestPaths.temporaryDirectory("bad-input")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture("linear_confound_vec.h5").path
        let report = directory.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: report, withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: report.appendingPathComponent("notes.txt"))
        let arguments = ["audit", "--f", "\(fixture):/f", "--g", "\(fixture):/g", "--batch-size", "50", "--epochs", "1",
                         "--permutations", "0", "--max-samples", "100", "--out", report.path]
        let refused = try ToolRunner.run(arguments)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains(report.path) && refused.stderr.contains("--force"))
        #expect(try entries(report) == ["notes.txt"])
        #expect(try entries(directory) == ["report"])

        // Not a report of this tool (no run.json): even --force keeps the user's notes.
        let kept = try ToolRunner.run(arguments + ["--force", "--quiet"])
        #expect(kept.status == 2 && kept.stderr.contains("not a report of this tool"), "\(kept.stderr)")
        #expect(try entries(report) == ["notes.txt"])
        try FileManager.default.removeItem(at: report.appendingPathComponent("notes.txt"))
        try Data("{}".utf8).write(to: report.appendingPathComponent("run.json"))
        let forced = try ToolRunner.run(arguments + ["--force", "--quiet"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try entries(report) == ["batches.csv", "channels.csv", "crosscorr.csv", "run.json", "spectrum.csv",
                                        "summary.csv"])
        #expect(try entries(directory) == ["report"], "the replaced report or the staging directory was left behind")
    }

    @Test func tooFewSamplesNamesTheDatasets() throws {
        let directory = try TestPaths.temporaryDirectory("bad-input")
        defer { try? FileManager.default.removeItem(at: directory) }
        // One sample: no pair, no measure at all (each measure has its own minimum: 2, 4 or 6).
        let file = try makeFile(directory, "tiny.h5", ["/f": ([1, 3], values(3, seed: 8)), "/g": ([1, 2], values(2, seed: 9))])
        let run = try ToolRunner.run(["dependence", "--x", "\(file):/f", "--y", "\(file):/g",
                                      "--out", directory.appendingPathComponent("r").path])
        #expect(run.status == 3)
        #expect(run.stderr.contains("--x \(file):/f") && run.stderr.contains("needs at least 2 samples"), "\(run.stderr)")
        #expect(try entries(directory) == ["tiny.h5"])
    }
}
