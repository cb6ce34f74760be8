import Foundation
import HDF5IO
import Testing
import TestSupport

/// Runs of a build with the `MPI` trait under `mpirun`, against one process of
/// the same build: RegBN sharded over f's columns and the statistics split
/// over the ranks give the same files within 1e-12 of each array's scale, with
/// identical permutation p-values and λ's; a layer too big for one process's
/// memory limit runs on four ranks; a failure is reported once.
///
/// `scripts/test` builds the tool with `swift build --traits MPI --scratch-path
/// .build-mpi` and sets `REGBN_MPI_TOOL` to it; without it these tests are
/// skipped (the default build has no MPI).
@Suite(.enabled(if: MPIRuns.tool != nil, "REGBN_MPI_TOOL names no regbn-analyze built with --traits MPI"),
       .serialized)
struct MPIEndToEndTests {
    @Test(arguments: [2, 3])
    func replayOverRanksWritesTheSingleProcessFile(_ ranks: Int) throws {
        let directory = try TestPaths.temporaryDirectory("mpi-replay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture("example_loop_conv.h5").path
        let one = directory.appendingPathComponent("one.h5").path, many = directory.appendingPathComponent("many.h5").path
        // In float64, where only the grouping of the cross-rank sums can differ (float32 moves by its ulp).
        func arguments(_ out: String) throws -> [String] {
            var arguments = try ReplayEndToEndTests.replayArguments(fixture, out: out)
            let precision = try #require(arguments.firstIndex(of: "--precision"))
            arguments[precision + 1] = "float64"
            return arguments
        }
        let single = try MPIRuns.single(try arguments(one))
        try #require(single.status == 0, "\(single.stderr)")
        let sharded = try MPIRuns.mpirun(ranks: ranks, try arguments(many))
        try #require(sharded.status == 0, "\(sharded.stderr)")
        for path in ["/f", "/g", "/W", "/train/f", "/train/g", "/steps/lambda", "/state/norm_g/running_mean"] {
            let difference = try MPIRuns.relativeDifference(one, many, path)
            #expect(difference <= 1e-12, "\(path): \(difference)")
        }
        for path in ["/steps/lambda", "/steps/fallback", "/order"] {
            #expect(try MPIRuns.bits(one, path) == MPIRuns.bits(many, path), "\(path)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["many.h5", "one.h5"])
    }

    @Test(arguments: [2, 3])
    func dependenceOverRanksGivesTheSameSummary(_ ranks: Int) throws {
        let directory = try TestPaths.temporaryDirectory("mpi-dependence")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sample = TestPaths.testsDirectory.deletingLastPathComponent()
            .appendingPathComponent("notebooks-data/fashion_early_fusion.h5").path
        func arguments(_ out: String) -> [String] {
            ["dependence", "--x", "\(sample):/f", "--y", "\(sample):/g", "--max-samples", "300", "--permutations", "40",
             "--bootstrap", "30", "--strata", "\(sample):/labels", "--out", directory.appendingPathComponent(out).path,
             "--quiet"]
        }
        let single = try MPIRuns.single(arguments("one"))
        try #require(single.status == 0, "\(single.stderr)")
        let sharded = try MPIRuns.mpirun(ranks: ranks, arguments("many"))
        try #require(sharded.status == 0, "\(sharded.stderr)")
        #expect(sharded.stdout == single.stdout.replacingOccurrences(of: "/one", with: "/many"))
        try MPIRuns.expectSameSummary(directory.appendingPathComponent("one/summary.csv"),
                                      directory.appendingPathComponent("many/summary.csv"))
    }

    /// f and g of [16, 16, 16] in float64: W is 4096 × 4096 (134 MB). Under a
    /// 150 MB limit one process refuses normalize and audit and names the rank
    /// count; four ranks run both, equal to one unconstrained process.
    @Test func aLayerTooBigForOneRankRunsOnFour() throws {
        let directory = try TestPaths.temporaryDirectory("mpi-big")
        defer { try? FileManager.default.removeItem(at: directory) }
        let layers = directory.appendingPathComponent("layers.h5").path
        try MPIRuns.writeWideLayers(to: layers, samples: 120, shape: [16, 16, 16])
        let limit = ["REGBN_MEMORY_LIMIT": "150M"]
        let regbn = ["--f", "\(layers):/f", "--g", "\(layers):/g", "--batch-size", "40", "--epochs", "1", "--quiet"]
        let normalize = ["normalize"] + regbn
        let audit = ["audit"] + regbn + ["--max-samples", "100", "--permutations", "20", "--bootstrap", "20"]
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        let refused = try MPIRuns.single(normalize + ["--out", path("refused.h5")], environment: limit)
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("run on 2 or more MPI ranks"), "\(refused.stderr)")
        let refusedAudit = try MPIRuns.single(audit + ["--out", path("refused")], environment: limit)
        #expect(refusedAudit.status == 3 && refusedAudit.stderr.contains("MPI ranks"), "\(refusedAudit.stderr)")
        let plan = try MPIRuns.mpirun(ranks: 4, normalize + ["--out", path("plan.h5"), "--dry-run"], environment: limit)
        #expect(plan.status == 0 && plan.stdout.contains("on each of 4 ranks") && plan.stdout.contains("It fits"),
                "\(plan.stdout)\(plan.stderr)")

        let one = try MPIRuns.single(normalize + ["--out", path("one.h5")])
        try #require(one.status == 0, "\(one.stderr)")
        let four = try MPIRuns.mpirun(ranks: 4, normalize + ["--out", path("four.h5")], environment: limit)
        try #require(four.status == 0, "\(four.stderr)")
        for dataset in ["/f", "/g", "/W", "/steps/lambda"] {
            let difference = try MPIRuns.relativeDifference(path("one.h5"), path("four.h5"), dataset)
            #expect(difference <= 1e-12, "\(dataset): \(difference)")
        }

        let oneAudit = try MPIRuns.single(audit + ["--out", path("one")])
        try #require(oneAudit.status == 0, "\(oneAudit.stderr)")
        let fourAudit = try MPIRuns.mpirun(ranks: 4, audit + ["--out", path("four")], environment: limit)
        try #require(fourAudit.status == 0, "\(fourAudit.stderr)")
        try MPIRuns.expectSameSummary(URL(fileURLWithPath: path("one/summary.csv")),
                                      URL(fileURLWithPath: path("four/summary.csv")))
    }

    /// A bad input stops every rank with the input error's status, and the
    /// message appears once; nothing is left under the output's name.
    @Test func aFailureIsReportedOnceWithItsStatus() throws {
        let directory = try TestPaths.temporaryDirectory("mpi-failure")
        defer { try? FileManager.default.removeItem(at: directory) }
        let layers = directory.appendingPathComponent("layers.h5").path
        try MPIRuns.writeWideLayers(to: layers, samples: 30, shape: [4, 2, 2], nanAt: (sample: 17, feature: 13))
        let run = try MPIRuns.mpirun(ranks: 3, ["normalize", "--f", "\(layers):/f", "--g", "\(layers):/g",
                                                "--batch-size", "10", "--epochs", "1", "--quiet",
                                                "--out", directory.appendingPathComponent("out.h5").path])
        #expect(run.status == 3, "\(run.stderr)")
        let message = "sample 17 holds NaN (flattened feature 13 of 16)"
        #expect(run.stderr.components(separatedBy: message).count == 2, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["layers.h5"])
    }
}

/// Running the MPI build, alone or under `mpirun`, and comparing what it wrote.
enum MPIRuns {
    static var tool: URL? {
        guard let path = ProcessInfo.processInfo.environment["REGBN_MPI_TOOL"],
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return URL(fileURLWithPath: path)
    }

    static func single(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolRun {
        try ToolRunner.run(executable: try #require(tool), arguments, environment: environment)
    }

    /// Oversubscribed (more ranks than this machine's cores) and allowed as
    /// root, as CI runs; `environment` is exported to every rank.
    static func mpirun(ranks: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolRun {
        let exports = environment.sorted { $0.key < $1.key }.flatMap { ["-x", "\($0.key)=\($0.value)"] }
        return try ToolRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/mpirun"),
            ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks)] + exports
                + [try #require(tool).path] + arguments)
    }

    /// max |a − b| / max |a| over a dataset of two files.
    static func relativeDifference(_ a: String, _ b: String, _ dataset: String) throws -> Double {
        let x = try HDF5File.open(a).readArray(dataset, as: Double.self)
        let y = try HDF5File.open(b).readArray(dataset, as: Double.self)
        guard x.shape == y.shape else { return .infinity }
        let scale = x.storage.map(abs).max() ?? 0
        let largest = zip(x.storage, y.storage).map { abs($0 - $1) }.max() ?? 0
        return scale > 0 ? largest / scale : largest
    }

    static func bits(_ file: String, _ dataset: String) throws -> [UInt64] {
        try HDF5File.open(file).readArray(dataset, as: Double.self).storage.map(\.bitPattern)
    }

    /// Every row of two summary.csv files: the same rows, values and interval
    /// bounds within 1e-12 relative (or both NaN), p-values of permutation tests
    /// identical, every other column identical except the settings' σ's last digits.
    static func expectSameSummary(_ a: URL, _ b: URL) throws {
        let one = try CSVDocument(try String(contentsOf: a, encoding: .utf8))
        let many = try CSVDocument(try String(contentsOf: b, encoding: .utf8))
        #expect(one.header == many.header)
        try #require(one.rows.count == many.rows.count && !one.rows.isEmpty)
        for (x, y) in zip(one.rows, many.rows) {
            let row = "\(x["measure"] ?? "") \(x["stage"] ?? "") \(x["pair"] ?? "") \(x["condition"] ?? "")"
            for key in ["measure", "stage", "pair", "condition", "p_method", "ci_method", "n"] {
                #expect(x[key] == y[key], "\(row) \(key)")
            }
            for key in ["value", "ci_low", "ci_high"] {
                let u = Double(x[key] ?? "") ?? .nan, v = Double(y[key] ?? "") ?? .nan
                #expect((u.isNaN && v.isNaN) || abs(u - v) <= 1e-12 * max(abs(u), 1e-300), "\(row) \(key): \(u) \(v)")
            }
            if x["p_method"]?.hasPrefix("permutation") == true {
                #expect(x["p_value"] == y["p_value"], "\(row) p")
            } else {
                let u = Double(x["p_value"] ?? "") ?? .nan, v = Double(y["p_value"] ?? "") ?? .nan
                #expect((u.isNaN && v.isNaN) || abs(u - v) <= 1e-9 * max(abs(u), 1e-300), "\(row) p: \(u) \(v)")
            }
        }
    }

    /// f = tanh(z·A) + noise and g = z·B + noise over a shared latent z, both of
    /// `shape` per sample, float64; optionally one NaN in f.
    static func writeWideLayers(to path: String, samples: Int, shape: [Int],
                                nanAt: (sample: Int, feature: Int)? = nil) throws {
        let width = shape.reduce(1, *)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        let latent = (0..<(samples * 4)).map { _ in next() }
        let mixF = (0..<(4 * width)).map { _ in next() }, mixG = (0..<(4 * width)).map { _ in next() }
        var f = [Double](), g = [Double]()
        for i in 0..<samples {
            for j in 0..<width {
                var u = 0.0, v = 0.0
                for k in 0..<4 {
                    u += latent[i * 4 + k] * mixF[k * width + j]
                    v += latent[i * 4 + k] * mixG[k * width + j]
                }
                f.append(tanh(3 * u) + 0.2 * next())
                g.append(v + 0.2 * next())
            }
        }
        if let nanAt { f[nanAt.sample * width + nanAt.feature] = .nan }
        let writer = try HDF5Writer(creating: path)
        try writer.write("/f", shape: [samples] + shape, values: f)
        try writer.write("/g", shape: [samples] + shape, values: g)
        try writer.finish()
    }
}
