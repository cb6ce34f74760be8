import Foundation
import HDF5IO
import Testing
import TestSupport
@testable import regbn_analyze

/// `audit` with every addition of the report schema on a small confounded
/// pair: baselines, null control, paired differences, confounder pairs and
/// within-strata rows, each with the columns the whole project reads.
@Suite struct AuditReportEndToEndTests {
    /// COMMON.md's summary.csv contract, written out here rather than taken from the code.
    static let columns = ["measure", "stage", "pair", "condition", "value", "p_value", "p_method",
                          "ci_low", "ci_high", "ci_method", "n", "settings"]
    static let measures = ["hsic_b", "hsic_u", "hsic_normalized", "cka_linear", "dcor", "dcor_u2",
                           "crosscorr_mean_abs", "crosscorr_max_abs", "crosscorr_rms"]
    static let withinStrataMeasures = ["hsic_b", "hsic_u", "hsic_normalized", "cka_linear", "dcor", "dcor_u2"]

    struct Report {
        let run: ToolRun
        let directory: URL
        let summary: CSVDocument
        let manifest: [String: Any]
        let data: ConfoundedPair
    }

    static func audit(_ extra: [String], in directory: URL, data: ConfoundedPair? = nil) throws -> Report {
        let data = try data ?? ConfoundedPair(in: directory)
        let out = directory.appendingPathComponent("report")
        let run = try ToolRunner.run([
            "audit", "--f", data.dataset("f"), "--g", data.dataset("g"), "--batch-size", "20", "--epochs", "1",
            "--permutations", "9", "--bootstrap", "19", "--out", out.path, "--quiet"] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try CSVDocument(String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8))
        let manifest = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("run.json"))) as? [String: Any])
        return Report(run: run, directory: out, summary: summary, manifest: manifest, data: data)
    }

    @Test func everyStagePairAndConditionWithItsColumns() throws {
        let directory = try TestPaths.temporaryDirectory("audit-report")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory)
        let r = try Self.audit(["--baselines", "ols,ols-batch", "--ols-ridge", "0.01",
                                "--confounder", data.dataset("labels"), "--confounder-categorical",
                                "--strata", data.dataset("labels"), "--latex"], in: directory, data: data)
        #expect(r.summary.header == Self.columns)
        let strata = "strata=\(data.dataset("labels"))"

        // f~g: every measure in every stage, marginally.
        for stage in ["raw", "regbn", "ols", "ols-batch", "null", "difference", "difference-ols", "difference-ols-batch"] {
            let rows = r.summary.rows(["pair": "f~g", "condition": "none", "stage": stage])
            let spectra: Set<String> = ["raw", "regbn"].contains(stage) ? ["effective_rank_g", "stable_rank_g"] : []
            #expect(Set(rows.map { $0["measure"] ?? "" }) == Set(Self.measures).union(spectra), "f~g \(stage)")
        }
        // Within strata: the n×n measures, with the stratified permutation test on hsic_b and dcor.
        for stage in ["raw", "regbn", "ols", "ols-batch", "null", "difference"] {
            let rows = r.summary.rows(["pair": "f~g", "condition": strata, "stage": stage])
            #expect(Set(rows.map { $0["measure"] ?? "" }) == Set(Self.withinStrataMeasures), "within strata \(stage)")
        }
        #expect(r.summary.rows(["condition": strata, "stage": "raw", "measure": "hsic_b",
                                "p_method": "stratified-permutation:9"]).count == 1)
        // The confounder: f of every stage against it, g (which no stage changes) raw and null only.
        let fConfounder = Set(r.summary.rows(["pair": "f~confounder"]).map { $0["stage"] ?? "" })
        #expect(fConfounder == ["raw", "regbn", "ols", "ols-batch", "null", "difference", "difference-ols",
                                "difference-ols-batch"])
        #expect(Set(r.summary.rows(["pair": "g~confounder"]).map { $0["stage"] ?? "" }) == ["raw", "null"])
        for pair in ["f~confounder", "g~confounder"] {
            let hsic = try #require(r.summary.rows(["pair": pair, "stage": "raw", "measure": "hsic_normalized"]).first)
            #expect(hsic["settings"]?.contains("kernel_confounder=delta (3 labels)") == true)
            #expect(r.summary.rows(["pair": pair, "condition": strata]).isEmpty)
        }

        // Every row that has a value carries an interval; every dependence row uses all 120 samples.
        for row in r.summary.rows where !(row["measure"] ?? "").hasSuffix("_g") {
            #expect(row["n"] == "\(ConfoundedPair.samples)" || row["condition"] == strata, "\(row)")
            if let value = Double(row["value"] ?? ""), value.isFinite {
                #expect(row["ci_method"]?.hasPrefix("bootstrap-") == true, "\(row)")
                #expect(row["settings"]?.contains("subsample=120/120 (all samples)") == true)
            }
        }

        let names = r.manifest["names"] as? [String: String]
        #expect(names == ["f": "/f", "g": "/g", "confounder": "/labels"])
        let subsample = try #require(r.manifest["subsample"] as? [String: Any])
        #expect(subsample["method"] as? String == "random" && subsample["used"] as? Int == 120
                && subsample["total"] as? Int == 120)
        let tex = try String(contentsOf: r.directory.appendingPathComponent("summary.tex"), encoding: .utf8)
        #expect(tex.contains("within the strata of") && tex.contains("$\\Delta$ OLS"))
        for needle in ["raw − RegBN", "raw − OLS", "within \(strata):", "strata share",
                       "Dependence between f (/f) and confounder (/labels)"] {
            #expect(r.run.stdout.contains(needle), "summary lacks '\(needle)':\n\(r.run.stdout)")
        }
    }

    /// raw − regbn from the paired bootstrap: the value is the difference of
    /// the two rows' values, and its interval is its own (narrower than the two
    /// separate intervals suggest), not a difference of theirs.
    @Test func differenceRowsAreRawMinusTheStageWithTheirIntervals() throws {
        let directory = try TestPaths.temporaryDirectory("audit-difference")
        defer { try? FileManager.default.removeItem(at: directory) }
        let r = try Self.audit(["--baselines", "ols", "--ols-ridge", "0.01"], in: directory)
        for (difference, stage) in [("difference", "regbn"), ("difference-ols", "ols")] {
            for measure in Self.measures {
                func row(_ stage: String) throws -> [String: String] {
                    try #require(r.summary.rows(["pair": "f~g", "stage": stage, "measure": measure]).first)
                }
                let raw = try #require(Double(try row("raw")["value"] ?? ""))
                let other = try #require(Double(try row(stage)["value"] ?? ""))
                let d = try row(difference)
                let value = try #require(Double(d["value"] ?? ""))
                #expect(abs(value - (raw - other)) <= 1e-15 * max(abs(raw), abs(other), 1e-300), "\(measure)")
                let low = try #require(Double(d["ci_low"] ?? "")), high = try #require(Double(d["ci_high"] ?? ""))
                #expect(low <= high && d["ci_method"]?.hasPrefix("bootstrap-") == true, "\(measure)")
                #expect(d["settings"]?.contains("paired bootstrap difference raw − \(stage)") == true)
            }
        }
        // The null control: the same measures with g's samples shuffled, and their tests.
        let null = r.summary.rows(["pair": "f~g", "stage": "null"])
        #expect(Set(null.map { $0["measure"] ?? "" }) == Set(Self.measures))
        #expect(Set(null.map { $0["p_method"] ?? "" }) == ["", "gamma", "permutation:9"])
        #expect(null.allSatisfy { $0["settings"]?.contains("shuffled (seed 0)") == true })
    }

    @Test func namesAndCategoricalG() throws {
        let directory = try TestPaths.temporaryDirectory("audit-g-categorical")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory)
        let out = directory.appendingPathComponent("report")
        let run = try ToolRunner.run([
            "audit", "--f", data.dataset("f"), "--g", data.dataset("labels"), "--g-categorical", "--batch-size", "20",
            "--epochs", "1", "--permutations", "0", "--bootstrap", "0", "--name-f", "gray conv4", "--name-g", "class",
            "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try CSVDocument(String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8))
        let hsic = try #require(summary.rows(["stage": "raw", "measure": "hsic_b"]).first)
        #expect(hsic["settings"]?.contains("kernel_g=delta (3 labels)") == true)
        let cka = try #require(summary.rows(["stage": "raw", "measure": "cka_linear"]).first)
        #expect(cka["settings"]?.contains("g one-hot (3 labels, none dropped)") == true)
        // RegBN regressed f on the one-hot code: the dependence on the class drops.
        let raw = try #require(Double(hsic["value"] ?? ""))
        let regbn = try #require(Double(summary.rows(["stage": "regbn", "measure": "hsic_b"]).first?["value"] ?? ""))
        #expect(regbn < raw)
        let manifest = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("run.json"))) as? [String: Any])
        #expect(manifest["names"] as? [String: String] == ["f": "gray conv4", "g": "class"])
        let configuration = manifest["configuration"] as? [String: Any]
        #expect(configuration?["g_categorical"] as? Bool == true)
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["shape"] as? [Int] } == [[120, 2, 2, 2], [120, 3]])
        let channels = try CSVDocument(String(contentsOf: out.appendingPathComponent("channels.csv"), encoding: .utf8))
        #expect(channels.column("name") == ["gray conv4", "class"])
    }

    /// normalize sees the same one-hot g: /g holds [N, classes], and the config says so.
    @Test func normalizeRegressesOnTheOneHotCodeOfCategoricalG() throws {
        let directory = try TestPaths.temporaryDirectory("normalize-g-categorical")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory)
        let out = directory.appendingPathComponent("out.h5").path
        let run = try ToolRunner.run([
            "normalize", "--f", data.dataset("f"), "--g", data.dataset("labels"), "--g-categorical",
            "--batch-size", "20", "--epochs", "1", "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let file = try HDF5File.open(out)
        #expect(try file.readArray("/g", as: Double.self).shape == [120, 3])
        #expect(try file.readArray("/f", as: Double.self).shape == [120, 2, 2, 2])
        #expect(try file.readArray("/W", as: Double.self).shape == [3, 8])
        let refused = try ToolRunner.run([
            "normalize", "--f", data.dataset("f"), "--g", data.dataset("not_labels"), "--g-categorical",
            "--batch-size", "20", "--epochs", "1", "--out", out + ".2", "--quiet"])
        #expect(refused.status == 3 && refused.stderr.contains("--g \(data.dataset("not_labels"))")
                && refused.stderr.contains("at sample 7"), "\(refused.stderr)")
    }

    @Test func olsWithoutRidgeOnAWideGSaysWhyEveryValueIsUndefined() throws {
        let directory = try TestPaths.temporaryDirectory("audit-ols-saturated")
        defer { try? FileManager.default.removeItem(at: directory) }
        // 12 g features for 10 samples: least squares explains f completely.
        let data = try ConfoundedPair(in: directory, samples: 10)
        let out = directory.appendingPathComponent("report")
        let run = try ToolRunner.run([
            "audit", "--f", data.dataset("f"), "--g", data.dataset("g"), "--batch-size", "5", "--epochs", "1",
            "--permutations", "0", "--bootstrap", "0", "--baselines", "ols", "--sigma-min", "1e-8",
            "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("ols: least squares explains f completely"), "\(run.stdout)")
        let summary = try CSVDocument(String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8))
        let normalized = try #require(summary.rows(["stage": "ols", "measure": "hsic_normalized"]).first)
        #expect(normalized["value"] == "nan" && normalized["settings"]?.contains("unavailable") == true)
        #expect(summary.rows(["stage": "ols", "measure": "hsic_b"]).first?["value"] == "0.0")
    }
}
