import Foundation
import HDF5IO
import Testing
import TestSupport
@testable import regbn_analyze

/// `audit` on a fixture, run as a user would: every file, every column, the
/// raw statistics against the fixture's reference values, and RegBN's effect
/// in the direction the official run shows.
@Suite struct AuditEndToEndTests {
    static let measures = ["hsic_b", "hsic_u", "hsic_normalized", "cka_linear", "dcor", "dcor_u2",
                           "crosscorr_mean_abs", "crosscorr_max_abs", "crosscorr_rms", "effective_rank_g", "stable_rank_g"]

    /// summary measure → fixture dataset under /expected/diagnostics/<pair>/.
    static let references = [
        "hsic_b": "hsic_gamma/hsic_b", "hsic_u": "hsic_unbiased", "hsic_normalized": "cka_gaussian",
        "cka_linear": "cka_linear", "dcor": "dcor/distance_correlation", "dcor_u2": "dcor/u_distance_correlation_sqr",
        "crosscorr_mean_abs": "channel_corr/mean_abs", "crosscorr_max_abs": "channel_corr/max_abs",
        "crosscorr_rms": "channel_corr/rms",
    ]

    @Test func imagesEarlyFusionReport() throws {
        let directory = try TestPaths.temporaryDirectory("audit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture("images_early_fusion.h5").path
        let out = directory.appendingPathComponent("report")
        let run = try ToolRunner.run([
            "audit", "--f", "\(fixture):/f", "--g", "\(fixture):/g", "--batch-size", "50", "--epochs", "1",
            "--precision", "float32", "--normalize-input", "true", "--affine", "true", "--sigma-min", "1e-8",
            "--permutations", "20", "--bootstrap", "20", "--out", out.path, "--latex", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Report: \(out.path)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == ["batches.csv", "channels.csv", "crosscorr.csv", "run.json", "spectrum.csv", "summary.csv",
                          "summary.tex"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report"])

        let summary = try CSVDocument(String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8))
        #expect(summary.header == SummaryTable.header)
        func value(_ measure: String, _ stage: String, method: String? = nil) throws -> Double {
            let row = try #require(summary.rows.first {
                $0["measure"] == measure && $0["stage"] == stage && $0["pair"] == "f~g" && $0["condition"] == "none"
                    && (method == nil || $0["p_method"] == method)
            }, "\(measure) \(stage)")
            return try #require(Double(row["value"] ?? ""))
        }
        for measure in Self.measures {
            for stage in ["raw", "regbn"] { _ = try value(measure, stage) }
        }
        #expect(Set(summary.column("p_method")).isSubset(of: ["", "gamma", "permutation:20"]))

        // Raw statistics are the fixture's reference values; RegBN moves each
        // one in the direction the official run's outputs do.
        let reference = try HDF5File.open(fixture)
        for (measure, path) in Self.references {
            let raw = try Expected.load(reference, "/expected/diagnostics/raw/\(path)")
            let ours = try value(measure, "raw")
            #expect(raw.mismatch([ours]) == nil, "\(measure) raw: \(raw.mismatch([ours]) ?? "")")
            let officialRegbn = try Expected.load(reference, "/expected/diagnostics/regbn/\(path)").values[0]
            if officialRegbn < raw.values[0] * 0.5 {
                #expect(try value(measure, "regbn") < ours, "\(measure) should drop after RegBN")
            }
        }
        let gammaP = try Expected.load(reference, "/expected/diagnostics/raw/hsic_gamma/p_value")
        let pRow = try #require(summary.rows.first { $0["measure"] == "hsic_b" && $0["stage"] == "raw" && $0["p_method"] == "gamma" })
        #expect(gammaP.mismatch([Double(pRow["p_value"] ?? "") ?? .nan]) == nil)

        let batches = try CSVDocument(String(contentsOf: out.appendingPathComponent("batches.csv"), encoding: .utf8))
        #expect(batches.header == BatchesTable.header)
        #expect(batches.rows.count == 6)
        #expect(batches.column("flags").allSatisfy { $0.split(separator: ";").contains("features-exceed-batch") })
        let lambdas = batches.column("lambda").compactMap(Double.init)
        let official = try reference.readArray("/expected/train/lambda_returned", as: Double.self).storage
        let lambdaTolerance = try Expected.load(reference, "/expected/train/lambda_returned")
        #expect(lambdaTolerance.mismatch(lambdas) == nil, "\(lambdaTolerance.mismatch(lambdas) ?? "")")
        #expect(lambdas.count == official.count)

        let spectrum = try CSVDocument(String(contentsOf: out.appendingPathComponent("spectrum.csv"), encoding: .utf8))
        #expect(spectrum.header == ["epoch", "step", "index", "singular_value", "normalized", "cumulative_energy"])
        #expect(spectrum.rows.count == 6 * 50)
        let crosscorr = try CSVDocument(String(contentsOf: out.appendingPathComponent("crosscorr.csv"), encoding: .utf8))
        #expect(crosscorr.header == ["f_channel", "g_channel", "r_raw", "r_regbn"])
        #expect(crosscorr.rows.count == 1 * 3)
        let channels = try CSVDocument(String(contentsOf: out.appendingPathComponent("channels.csv"), encoding: .utf8))
        #expect(channels.column("name") == ["f", "g"])
        #expect(channels.column("channels") == ["1", "3"])

        let manifestData = try Data(contentsOf: out.appendingPathComponent("run.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        let hash = try SHA256.hash(fileAt: fixture)
        #expect(inputs.map { $0["file_sha256"] as? String } == [hash, hash])
        #expect(inputs.map { $0["shape"] as? [Int] } == [[300, 1, 28, 28], [300, 3, 28, 28]])
        #expect((manifest["configuration"] as? [String: Any])?["permutations"] as? Int == 20)
        #expect((manifest["timings"] as? [String: Double])?["total"] != nil)

        let tex = try String(contentsOf: out.appendingPathComponent("summary.tex"), encoding: .utf8)
        #expect(tex.contains("\\begin{tabular}") && tex.contains("\\toprule") && tex.contains("\\bottomrule"))
        #expect(tex.contains("\\multicolumn{5}{l}{\\textit{mean $|r|$}} \\\\\n    raw & "))
    }
}
