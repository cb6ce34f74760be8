import Foundation
import HDF5IO
import Testing
import TestSupport

/// `dependence`, `spectrum` and `channels` on a fixture: files, columns, and
/// the numbers against the fixture's reference diagnostics.
@Suite struct DiagnosticsCommandsEndToEndTests {
    static let fixture = TestPaths.fixture("conv_maps.h5").path

    private func read(_ url: URL) throws -> CSVDocument {
        try CSVDocument(String(contentsOf: url, encoding: .utf8))
    }

    @Test func dependenceMatchesTheReferenceStatistics() throws {
        let directory = try TestPaths.temporaryDirectory("dependence")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("r")
        let run = try ToolRunner.run(["dependence", "--x", "\(Self.fixture):/f", "--y", "\(Self.fixture):/g",
                                      "--permutations", "0", "--bootstrap", "0", "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
                == ["crosscorr.csv", "run.json", "summary.csv"])
        let summary = try read(out.appendingPathComponent("summary.csv"))
        #expect(Set(summary.column("stage")) == ["raw", "null"])
        #expect(!summary.column("p_method").contains { $0.hasPrefix("permutation") })
        let reference = try HDF5File.open(Self.fixture)
        for (measure, path) in AuditEndToEndTests.references {
            let row = try #require(summary.rows.first { $0["measure"] == measure && $0["stage"] == "raw" })
            let expected = try Expected.load(reference, "/expected/diagnostics/raw/\(path)")
            let value = Double(row["value"] ?? "") ?? .nan
            #expect(expected.mismatch([value]) == nil, "\(measure): \(expected.mismatch([value]) ?? "")")
        }
        let crosscorr = try read(out.appendingPathComponent("crosscorr.csv"))
        let matrix = try Expected.load(reference, "/expected/diagnostics/raw/channel_corr/matrix")
        #expect(matrix.mismatch(crosscorr.column("r_raw").map { Double($0) ?? .nan }) == nil)
        #expect(Set(crosscorr.column("r_regbn")) == ["nan"])
    }

    @Test func spectrumMatchesTheReferenceSingularValues() throws {
        let directory = try TestPaths.temporaryDirectory("spectrum")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("r")
        let run = try ToolRunner.run(["spectrum", "--x", "\(Self.fixture):/g", "--batch-size", "50",
                                      "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let reference = try HDF5File.open(Self.fixture)
        let values = try Expected.load(reference, "/expected/diagnostics/raw/spectrum_y/singular_values")
        let spectrum = try read(out.appendingPathComponent("spectrum.csv"))
        #expect(values.mismatch(spectrum.column("singular_value").map { Double($0) ?? .nan }) == nil)
        let batches = try read(out.appendingPathComponent("batches.csv"))
        let rank = try Expected.load(reference, "/expected/diagnostics/raw/spectrum_y/numerical_rank")
        #expect(rank.mismatch(batches.column("rank").map { Double($0) ?? .nan }) == nil)
        let effective = try Expected.load(reference, "/expected/diagnostics/raw/spectrum_y/effective_rank")
        #expect(effective.mismatch(batches.column("effective_rank").map { Double($0) ?? .nan }) == nil)
    }

    @Test func channelsPrintsAVerdictAndOptionallyAReport() throws {
        let directory = try TestPaths.temporaryDirectory("channels")
        defer { try? FileManager.default.removeItem(at: directory) }
        let bare = try ToolRunner.run(["channels", "--x", "\(Self.fixture):/g", "--batch-size", "50"])
        #expect(bare.status == 0)
        #expect(bare.stdout.contains("8 channels, effective rank"))
        #expect(bare.stdout.contains("128 features per sample against batches of 50"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        let out = directory.appendingPathComponent("r")
        let withReport = try ToolRunner.run(["channels", "--x", "\(Self.fixture):/g", "--batch-size", "50",
                                             "--out", out.path])
        #expect(withReport.status == 0)
        let channels = try read(out.appendingPathComponent("channels.csv"))
        #expect(channels.rows.count == 1 && channels.rows[0]["channels"] == "8")
        // stdout: "ARGUMENT: verdict" then "  Recommendation: recommendation".
        let lines = bare.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(channels.rows[0]["verdict"] == lines.first?.components(separatedBy: ": ").dropFirst()
            .joined(separator: ": "))
        #expect("  Recommendation: " + (channels.rows[0]["recommendation"] ?? "") == lines.last)
    }
}
