import Foundation
import Testing
import TestSupport

/// Wherever `FILE.h5:/dataset` is accepted, `.npy`, `.npz:name` (stored and
/// deflated) and `.safetensors:tensor` are too, with identical results.
@Suite struct InputFormatsEndToEndTests {
    static func equivalence() throws -> (InputCorpus.Generated, x: [String], y: [String]) {
        let corpus = try InputCorpus.formats.generate()
        let table = try #require(corpus.manifest["equivalence"] as? [String: Any])
        return (corpus, try #require(table["x"] as? [String]), try #require(table["y"] as? [String]))
    }

    /// summary.csv from the same data saved in five formats: every value
    /// (statistic, p-value, n) identical; only provenance may differ.
    @Test func dependenceGivesIdenticalSummariesForEveryFormat() throws {
        let (corpus, xs, ys) = try Self.equivalence()
        let scratch = try TestPaths.temporaryDirectory("formats-dependence")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var summaries: [[[String: String]]] = []
        for (index, (x, y)) in zip(xs, ys).enumerated() {
            let out = scratch.appendingPathComponent("r\(index)")
            let run = try ToolRunner.run(
                ["dependence", "--x", x, "--y", y, "--permutations", "20", "--quiet", "--out", out.path],
                in: corpus.directory)
            #expect(run.status == 0, "\(x): \(run.stderr)")
            let text = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
            summaries.append(try CSVDocument(text).rows)
        }
        let columns = ["measure", "stage", "value", "p_value", "p_method", "n"]
        let reference = summaries[0].map { row in columns.map { row[$0] ?? "-" } }
        #expect(reference.count >= 5)
        for (x, rows) in zip(xs, summaries) {
            #expect(rows.map { row in columns.map { row[$0] ?? "-" } } == reference, "\(x)")
        }
    }

    /// `--layout nhwc` applies to every format: a channels-last .npy gives
    /// the report of its channels-first copy.
    @Test func channelsLastNpyMatchesItsChannelsFirstCopy() throws {
        let (corpus, xs, _) = try Self.equivalence()
        let table = try #require(corpus.manifest["equivalence"] as? [String: Any])
        let nhwc = try #require(table["x_nhwc"] as? String)
        let scratch = try TestPaths.temporaryDirectory("formats-nhwc")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var summaries: [String] = []
        for (x, layout) in [(xs[1], "nchw"), (nhwc, "nhwc")] {
            let out = scratch.appendingPathComponent(layout)
            let run = try ToolRunner.run(
                ["channels", "--x", x, "--batch-size", "40", "--layout", layout, "--out", out.path], in: corpus.directory)
            #expect(run.status == 0, "\(x): \(run.stderr)")
            summaries.append(try String(contentsOf: out.appendingPathComponent("channels.csv"), encoding: .utf8))
        }
        #expect(summaries.count == 2 && summaries[0] == summaries[1])
    }

    @Test func normalizeReadsNpyAndSafetensors() throws {
        let (corpus, xs, ys) = try Self.equivalence()
        let scratch = try TestPaths.temporaryDirectory("formats-normalize")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var outputs: [Data] = []
        for index in [0, 1, 4] {
            let out = scratch.appendingPathComponent("n\(index).h5")
            let run = try ToolRunner.run(
                ["normalize", "--f", xs[index], "--g", ys[index], "--batch-size", "40", "--epochs", "1",
                 "--shuffle", "3", "--quiet", "--out", out.path], in: corpus.directory)
            #expect(run.status == 0, "\(xs[index]): \(run.stderr)")
            outputs.append(try Data(contentsOf: out))
        }
        #expect(outputs.count == 3)
    }

    @Test func inspectListsNpyNpzAndSafetensors() throws {
        let corpus = try InputCorpus.formats.generate()
        let npz = try ToolRunner.run(["inspect", "eq_deflated.npz"], in: corpus.directory)
        #expect(npz.status == 0, "\(npz.stderr)")
        let lines = npz.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "eq_deflated.npz: npz, 2 arrays")
        #expect(lines.contains { $0.hasPrefix("x ") && $0.contains("[120, 4, 3, 3]") && $0.contains("float32")
                                 && $0.contains("deflated") })
        let tensors = try ToolRunner.run(["inspect", "all_types.safetensors", "--json"], in: corpus.directory)
        #expect(tensors.status == 0, "\(tensors.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(tensors.stdout.utf8)) as? [String: Any])
        #expect(document["format"] as? String == "safetensors")
        let objects = try #require(document["objects"] as? [[String: Any]])
        #expect(objects.count == 13)
        #expect(objects.contains { $0["path"] as? String == "bf16" && $0["dtype"] as? String == "bfloat16" })
        let npy = try ToolRunner.run(["inspect", "f2_be.npy"], in: corpus.directory)
        #expect(npy.status == 0)
        #expect(npy.stdout.contains("[10, 3]") && npy.stdout.contains("float16 (big-endian)"), "\(npy.stdout)")
    }

    @Test func nanInAnNpyIsReportedLikeHDF5() throws {
        let directory = try TestPaths.temporaryDirectory("npy-nan-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = """
            import numpy as np
            rng = np.random.default_rng(1)
            f = rng.standard_normal((60, 5)).astype('f4'); g = rng.standard_normal((60, 4)).astype('f4')
            g[37, 2] = np.nan
            np.save('f.npy', f); np.savez('g.npz', g=g)
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script]
        python.currentDirectoryURL = directory
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        let run = try ToolRunner.run(["dependence", "--x", "f.npy", "--y", "g.npz:g", "--out", "r"], in: directory)
        #expect(run.status == 3)
        #expect(run.stderr.contains("g.npz:g: sample 37 holds NaN (flattened feature 2 of 4)"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["f.npy", "g.npz"])
    }

    @Test(arguments: ["x.h5", "x.npy:a", "x.npz:", "notes.txt"])
    func malformedArgumentsAreUsageErrors(_ argument: String) throws {
        let run = try ToolRunner.run(["channels", "--x", argument])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains(argument), "\(run.stderr)")
    }
}
