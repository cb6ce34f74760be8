import Foundation
import Testing
import TestSupport

/// `dependence` with the statistics issue's and the confounder issue's
/// options: categorical operands, strata, subsample rules, intervals on or
/// off, the null control, names, and the errors of each.
@Suite struct DependenceReportEndToEndTests {
    struct Report {
        let run: ToolRun
        let summary: CSVDocument
        let manifest: [String: Any]
    }

    static func dependence(_ x: String, _ y: String, _ extra: [String], in directory: URL,
                           name: String = "report") throws -> Report {
        let out = directory.appendingPathComponent(name)
        // Small test counts unless the test sets its own.
        let counts = ["--permutations", "--bootstrap"].filter { !extra.contains($0) }.flatMap { [$0, "19"] }
        let run = try ToolRunner.run(["dependence", "--x", x, "--y", y, "--out", out.path, "--quiet"] + counts + extra)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try CSVDocument(String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8))
        let manifest = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("run.json"))) as? [String: Any])
        return Report(run: run, summary: summary, manifest: manifest)
    }

    /// Only equality of labels carries information: renumbering the classes
    /// changes no value, p-value or interval, end to end. Read as a number
    /// instead, the same labels give another HSIC: the flag is what makes the
    /// statistics independent of the coding.
    @Test func categoricalYUsesTheDeltaKernelAndIgnoresHowClassesAreNumbered() throws {
        let directory = try TestPaths.temporaryDirectory("dependence-categorical")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory)
        let labels = try Self.dependence(data.dataset("f"), data.dataset("labels"), ["--y-categorical"],
                                         in: directory, name: "labels")
        let relabelled = try Self.dependence(data.dataset("f"), data.dataset("relabelled"), ["--y-categorical"],
                                             in: directory, name: "relabelled")
        let numeric = try Self.dependence(data.dataset("f"), data.dataset("labels"), [], in: directory, name: "numeric")
        #expect(labels.summary.rows.count == relabelled.summary.rows.count)
        for (a, b) in zip(labels.summary.rows, relabelled.summary.rows) {
            #expect(a["measure"] == b["measure"] && a["stage"] == b["stage"] && a["p_method"] == b["p_method"])
            for column in ["value", "p_value", "ci_low", "ci_high"] {
                let (u, v) = (Double(a[column] ?? "") ?? .nan, Double(b[column] ?? "") ?? .nan)
                #expect((u.isNaN && v.isNaN) || abs(u - v) <= 1e-12 * max(abs(u), abs(v), 1e-300),
                        "\(a["measure"] ?? "") \(a["stage"] ?? "") \(column): \(u) vs \(v)")
            }
        }
        let hsic = try #require(labels.summary.rows(["stage": "raw", "measure": "hsic_b", "p_method": "gamma"]).first)
        #expect(hsic["settings"]?.contains("kernel_y=delta (3 labels)") == true)
        #expect(hsic["settings"]?.contains("sigma_x=") == true)
        let numericHSIC = try #require(numeric.summary.rows(["stage": "raw", "measure": "hsic_normalized"]).first)
        let deltaHSIC = try #require(labels.summary.rows(["stage": "raw", "measure": "hsic_normalized"]).first)
        #expect(numericHSIC["settings"]?.contains("sigma_y=") == true)
        // Labels are never guessed; read as numbers, they get a warning naming the flag.
        #expect(numeric.run.stdout.contains("--y \(data.dataset("labels")) holds one integer per sample with 3 "
                                            + "distinct values, measured as a number. If these are classes, pass "
                                            + "--y-categorical"), "\(numeric.run.stdout)")
        #expect(!labels.run.stdout.contains("If these are classes"))
        #expect(abs((Double(numericHSIC["value"] ?? "") ?? 0) - (Double(deltaHSIC["value"] ?? "") ?? 0)) > 1e-3)
        #expect(labels.manifest["names"] as? [String: String] == ["x": "/f", "y": "/labels"])
    }

    @Test func strataAddConditionRowsWithAStratifiedTest() throws {
        let directory = try TestPaths.temporaryDirectory("dependence-strata")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory)
        let r = try Self.dependence(data.dataset("f"), data.dataset("g"), ["--strata", data.dataset("labels")],
                                    in: directory)
        let condition = "strata=\(data.dataset("labels"))"
        #expect(Set(r.summary.column("condition")) == ["none", condition])
        let within = r.summary.rows(["condition": condition, "stage": "raw"])
        #expect(Set(within.map { $0["measure"] ?? "" }) == ["hsic_b", "hsic_u", "hsic_normalized", "cka_linear", "dcor",
                                                            "dcor_u2"])
        #expect(Set(within.map { $0["p_method"] ?? "" }) == ["", "stratified-permutation:19"])
        #expect(!r.summary.rows(["condition": condition, "stage": "null"]).isEmpty)
        #expect(r.run.stdout.contains("within \(condition):") && r.run.stdout.contains("strata share"))
        let configuration = r.manifest["configuration"] as? [String: Any]
        #expect(configuration?["strata"] as? String == data.dataset("labels"))
    }

    @Test func subsampleRuleAndSeedAreRecordedWithUsedOfTotal() throws {
        let directory = try TestPaths.temporaryDirectory("dependence-subsample")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory)
        let strided = try Self.dependence(data.dataset("f"), data.dataset("g"),
                                          ["--max-samples", "50", "--subsample", "strided"], in: directory, name: "s")
        let random = try Self.dependence(data.dataset("f"), data.dataset("g"),
                                         ["--max-samples", "50", "--subsample-seed", "7"], in: directory, name: "r")
        for (report, method, text) in [(strided, "strided", "subsample=50/120 (strided floor(k*n/m))"),
                                       (random, "random", "subsample=50/120 (random (seed 7))")] {
            let subsample = try #require(report.manifest["subsample"] as? [String: Any])
            #expect(subsample["method"] as? String == method)
            #expect(subsample["used"] as? Int == 50 && subsample["total"] as? Int == 120)
            #expect(report.summary.rows.allSatisfy { $0["n"] == "50" && $0["settings"]?.contains(text) == true })
            #expect((report.manifest["warnings"] as? [String])?.contains { $0.contains("uses 50 of 120 samples") } == true)
            #expect(report.run.stdout.contains("uses 50 of 120 samples"))
        }
        #expect((random.manifest["subsample"] as? [String: Any])?["seed"] as? String == "7")
        // Different rows, different estimates.
        #expect(strided.summary.rows(["stage": "raw", "measure": "dcor"]).first?["value"]
                != random.summary.rows(["stage": "raw", "measure": "dcor"]).first?["value"])
    }

    @Test func bootstrapZeroLeavesEveryIntervalEmpty() throws {
        let directory = try TestPaths.temporaryDirectory("dependence-no-bootstrap")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory)
        let r = try Self.dependence(data.dataset("f"), data.dataset("g"), ["--bootstrap", "0"], in: directory)
        #expect(r.summary.rows.allSatisfy { $0["ci_low"] == "nan" && $0["ci_high"] == "nan" && $0["ci_method"] == "" })
        #expect(!r.run.stdout.contains("bootstrap resamples"))
        let with = try Self.dependence(data.dataset("f"), data.dataset("g"), ["--confidence", "0.9"], in: directory,
                                       name: "with")
        #expect(with.summary.rows.allSatisfy { $0["ci_method"]?.hasSuffix(":19:0.9") == true })
        // Estimates do not depend on whether intervals were asked for.
        #expect(r.summary.column("value") == with.summary.column("value"))
        #expect(Set(with.summary.column("stage")) == ["raw", "null"])
    }

    /// Three samples: the U-statistics (4 samples) and the gamma test (6) are
    /// `nan` rows with their reason and a warning; everything else is computed.
    @Test func measuresTooSmallForTheSampleAreNanRowsWithAWarning() throws {
        let directory = try TestPaths.temporaryDirectory("dependence-tiny")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory, samples: 3)
        let r = try Self.dependence(data.dataset("f"), data.dataset("g"), [], in: directory)
        for measure in ["hsic_u", "dcor_u2"] {
            for stage in ["raw", "null"] {
                let row = try #require(r.summary.rows(["stage": stage, "measure": measure]).first)
                #expect(row["value"] == "nan" && row["settings"]?.contains("needs at least 4 samples (n = 3)") == true)
            }
        }
        let gamma = try #require(r.summary.rows(["stage": "raw", "measure": "hsic_b", "p_method": "gamma"]).first)
        #expect(gamma["p_value"] == "nan" && Double(gamma["value"] ?? "")?.isFinite == true)
        for measure in ["hsic_b", "hsic_normalized", "cka_linear", "dcor", "crosscorr_mean_abs"] {
            let row = try #require(r.summary.rows(["stage": "raw", "measure": measure]).first)
            #expect(Double(row["value"] ?? "")?.isFinite == true, "\(measure)")
        }
        let warnings = r.manifest["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.hasPrefix("x~y raw, null: hsic_u needs at least 4 samples") }, "\(warnings)")
        #expect(r.run.stdout.contains("Warning: x~y raw, null: dcor_u2 needs at least 4 samples"))
    }

    @Test func badLabelsAndOptionsAreRefusedWithTheirName() throws {
        let directory = try TestPaths.temporaryDirectory("dependence-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try ConfoundedPair(in: directory)
        let out = directory.appendingPathComponent("r").path
        let base = ["dependence", "--x", data.dataset("f"), "--y", data.dataset("g"), "--out", out, "--quiet"]
        let fractional = try ToolRunner.run(base + ["--strata", data.dataset("not_labels")])
        #expect(fractional.status == 3 && fractional.stderr.contains("--strata \(data.dataset("not_labels"))")
                && fractional.stderr.contains("0.5 is not an integer label"), "\(fractional.stderr)")
        let short = try ToolRunner.run(base + ["--strata", data.dataset("short_labels")])
        #expect(short.status == 3 && short.stderr.contains("same number of samples"), "\(short.stderr)")
        let wide = try ToolRunner.run(base + ["--x-categorical"])
        #expect(wide.status == 3 && wide.stderr.contains("--x \(data.dataset("f"))")
                && wide.stderr.contains("labels need exactly 1"), "\(wide.stderr)")
        for (extra, message) in [(["--confidence", "1"], "expected a number strictly between 0 and 1"),
                                 (["--bootstrap", "100001"], "expected an integer from 0 to 100000"),
                                 (["--subsample", "stride"], "Did you mean 'strided'?")] {
            let run = try ToolRunner.run(base + extra)
            #expect(run.status == 2 && run.stderr.contains(message), "\(extra): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
