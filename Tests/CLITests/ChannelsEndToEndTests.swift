import Foundation
import HDF5IO
import Testing
import TestSupport

/// `channels` as a user runs it: several variants in one table, the verdict
/// on the bundled sample, streaming within the memory plan, bad arguments.
@Suite struct ChannelsEndToEndTests {
    static let sample = TestPaths.testsDirectory.deletingLastPathComponent()
        .appendingPathComponent("notebooks-data/fashion_early_fusion.h5").path
    static let conv = TestPaths.fixture("conv_maps.h5").path
    static let deficient = TestPaths.fixture("rank_deficient.h5").path
    static let images = TestPaths.fixture("images_early_fusion.h5").path

    static let columns = ["name", "dataset", "channels", "spatial_shape", "features_per_sample", "batch_size",
                          "batch_to_feature_ratio", "channel_effective_rank", "channels_for_90pct_variance",
                          "channels_for_99pct_variance", "batches", "batches_rank_deficient", "batches_ill_conditioned",
                          "full_rank_possible", "verdict", "recommendation"]

    private func table(_ directory: URL) throws -> CSVDocument {
        try CSVDocument(String(contentsOf: directory.appendingPathComponent("channels.csv"), encoding: .utf8))
    }

    @Test func threeVariantsGiveOneComparisonTableAndItsFigure() throws {
        let directory = try TestPaths.temporaryDirectory("channels-variants")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("r")
        let run = try ToolRunner.run(["channels", "--x", "\(Self.conv):/g", "--x", "\(Self.deficient):/g",
                                      "--x", "\(Self.images):/g", "--name", "conv8", "--name", "dup16",
                                      "--name", "rgb3", "--batch-size", "20", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let csv = try table(out)
        #expect(csv.header == Self.columns)
        #expect(csv.column("name") == ["conv8", "dup16", "rgb3"])
        #expect(csv.column("dataset") == ["\(Self.conv):/g", "\(Self.deficient):/g", "\(Self.images):/g"])
        #expect(csv.column("channels") == ["8", "16", "3"])
        #expect(csv.column("spatial_shape") == ["4x4", "8x8", "28x28"])
        #expect(csv.column("features_per_sample") == ["128", "1024", "2352"])
        #expect(csv.column("batches") == ["10", "10", "15"])
        #expect(csv.column("full_rank_possible") == ["false", "false", "false"])
        #expect(csv.column("batch_to_feature_ratio").first == String(20.0 / 128))
        // rank_deficient.h5 duplicates channels 8–15 from 0–7: half the channels suffice.
        let dup = try #require(csv.rows.first { $0["name"] == "dup16" })
        #expect(Int(dup["channels_for_99pct_variance"] ?? "") ?? 99 <= 8, "\(dup)")
        #expect(dup["recommendation"]?.hasPrefix("Fewer channels would do") == true)
        // stdout: the comparison table, then each variant's verdict and recommendation.
        #expect(run.stdout.hasPrefix("Channels of 3 layers at batch size 20"), "\(run.stdout)")
        for name in ["conv8", "dup16", "rgb3"] {
            #expect(run.stdout.contains("\n  \(name) ") && run.stdout.contains("\n\(name) ("), "\(name)")
        }
        #expect(run.stdout.components(separatedBy: "  Recommendation: ").count == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["channels.csv", "run.json"])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as? [String: Any]
        let layers = (manifest?["configuration"] as? [String: Any])?["layers"] as? [[String: String]]
        #expect(layers?.map { $0["name"] ?? "" } == ["conv8", "dup16", "rgb3"])
        #expect((manifest?["inputs"] as? [Any])?.count == 3)

        // plot_report.py draws the channel-count figure from this table.
        let figures = directory.appendingPathComponent("figures")
        let plot = try PythonScript.run("""
            import subprocess, sys
            result = subprocess.run([sys.executable, '\(TestPaths.testsDirectory.deletingLastPathComponent().path)/notebooks-data/plot_report.py',
                                     'r', '--out', 'figures', '--quiet'], capture_output=True, text=True)
            sys.stderr.write(result.stderr)
            sys.exit(result.returncode)
            """, in: directory)
        #expect(plot.status == 0, "\(plot.stderr)")
        for file in ["channels.pdf", "channels.png"] {
            #expect(FileManager.default.fileExists(atPath: figures.appendingPathComponent(file).path), "\(file)")
        }
    }

    /// The contradiction cannot recur on the bundled sample, and the
    /// verdict follows the batch size.
    @Test func theSampleVerdictAgreesWithItsBatches() throws {
        let directory = try TestPaths.temporaryDirectory("channels-sample")
        defer { try? FileManager.default.removeItem(at: directory) }
        var verdicts: [String] = []
        for batchSize in ["50", "256"] {
            let out = directory.appendingPathComponent("r\(batchSize)")
            let run = try ToolRunner.run(["channels", "--x", "\(Self.sample):/g", "--batch-size", batchSize,
                                          "--out", out.path, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            let row = try #require(try table(out).rows.first)
            let verdict = row["verdict"] ?? ""
            let batches = try CSVDocument(String(contentsOf: out.appendingPathComponent("batches.csv"), encoding: .utf8))
            let flagged = batches.column("flags").filter { $0.split(separator: ";").contains("rank-deficient") }.count
            #expect(row["batches_rank_deficient"] == String(flagged))
            #expect(verdict.contains("\(flagged) of \(batches.rows.count) batches"), "\(verdict)")
            #expect(verdict.contains("no batch of \(batchSize) can have full column rank"), "\(verdict)")
            #expect(!verdict.contains("by construction") && !verdict.contains("every batch is rank-deficient"))
            #expect(row["recommendation"]?.contains("at least 2352 samples") == true)
            verdicts.append(verdict)
        }
        #expect(verdicts.count == 2 && verdicts[0] != verdicts[1])
        #expect(verdicts.last?.contains("at most 256 of the 2352 feature directions") == true)
    }

    /// The dataset is streamed a batch at a time: a run whose data as float64
    /// (10 MB) exceeds the memory limit, but whose batches fit, succeeds.
    @Test func aDatasetLargerThanTheMemoryLimitStreams() throws {
        let directory = try TestPaths.temporaryDirectory("channels-stream")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("long.h5").path
        let writer = try HDF5Writer(creating: path)
        let rows = 20_000, channels = 64
        try writer.write("/x", shape: [rows, channels], values: (0..<(rows * channels)).map { Float(($0 * 7919) % 1009) })
        try writer.finish()
        let run = try ToolRunner.run(["channels", "--x", "\(path):/x", "--batch-size", "50"],
                                     environment: ["REGBN_MEMORY_LIMIT": "4M"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("0 of 400 batches"), "\(run.stdout)")
    }

    @Test(arguments: [
        (["--x", "a.h5:/x", "--x", "b.h5:/x", "--name", "one"], "Give one '--name' per '--x'"),
        (["--x", "a.h5:/x", "--x", "b.h5:/x", "--name", "same", "--name", "same"], "The name 'same' is used twice"),
        (["--x", "a.h5:/x", "--x", "a.h5:/x"], "is used twice"),
        (["--name", "one"], "Missing expected argument '--x <file.h5:/dataset>'"),
        (["--x", "a.h5:/x", "--force"], "'--force' only applies together with '--out <dir>'"),
    ])
    func badArgumentsAreUsageErrors(_ extra: [String], _ message: String) throws {
        let run = try ToolRunner.run(["channels", "--batch-size", "10"] + extra)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    /// A variant that fails names its own --x.
    @Test func aFailingVariantIsNamed() throws {
        let run = try ToolRunner.run(["channels", "--x", "\(Self.conv):/g", "--x", "\(Self.conv):/missing",
                                      "--batch-size", "50"])
        #expect(run.status == 3 && run.stderr.contains("--x \(Self.conv):/missing"), "\(run.stderr)")
        let tooFew = try ToolRunner.run(["channels", "--x", "\(Self.conv):/g", "--x", "\(Self.images):/f",
                                         "--batch-size", "250"])
        #expect(tooFew.status == 3 && tooFew.stderr.contains("--x \(Self.conv):/g"), "\(tooFew.stderr)")
    }
}
