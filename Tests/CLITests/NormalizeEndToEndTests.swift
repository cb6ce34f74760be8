import Foundation
import HDF5IO
import Testing
import TestSupport

/// `normalize` run as a user would, its output file re-read and compared with
/// the official implementation's outputs stored in the fixtures.
@Suite struct NormalizeEndToEndTests {
    struct Case: Sendable, CustomStringConvertible {
        let fixture: String
        let batchSize: Int
        let epochs: Int
        let precision: String
        let extra: [String]
        var description: String { fixture }
    }

    /// Settings from each fixture's `config.protocol` (fixtures README, "Files").
    static let cases: [Case] = [
        Case(fixture: "conv_maps.h5", batchSize: 50, epochs: 2, precision: "float32",
             extra: ["--normalize-input", "true", "--affine", "true"]),
        Case(fixture: "float64_parity.h5", batchSize: 50, epochs: 2, precision: "float64",
             extra: ["--normalize-input", "true", "--affine", "true"]),
        Case(fixture: "rank_deficient.h5", batchSize: 20, epochs: 2, precision: "float32",
             extra: ["--normalize-input", "false", "--affine", "true", "--sigma-thr", "0.001", "--sigma-min", "0.5"]),
    ]

    @Test(arguments: cases)
    func outputsMatchTheOfficialInference(_ c: Case) throws {
        let directory = try TestPaths.temporaryDirectory("normalize")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture(c.fixture).path
        let out = directory.appendingPathComponent("out.h5").path
        let run = try ToolRunner.run(["normalize", "--f", "\(fixture):/f", "--g", "\(fixture):/g",
                                      "--batch-size", String(c.batchSize), "--epochs", String(c.epochs),
                                      "--precision", c.precision, "--out", out, "--quiet"] + c.extra)
        #expect(run.status == 0, "\(run.stderr)")
        let expectedFile = try HDF5File.open(fixture)
        let output = try HDF5File.open(out)
        for (written, expected) in [("/f", "/expected/eval/f_r"), ("/g", "/expected/eval/g_out")] {
            let reference = try Expected.load(expectedFile, expected)
            let actual = try output.readArray(written, as: Double.self)
            #expect(actual.shape == reference.shape)
            let problem = reference.mismatch(actual.storage, profile: .free)
            #expect(problem == nil, "\(c.fixture) \(written): \(problem ?? "")")
        }
        let steps = c.epochs * (try expectedFile.info("/f").shape[0] / c.batchSize)
        for path in ["/steps/epoch", "/steps/lambda", "/steps/fallback", "/steps/iterations"] {
            #expect(try output.info(path).shape == [steps], "\(path)")
        }
        let fallback = try output.readArray("/steps/fallback", as: Double.self).storage
        let expectedFallback = try expectedFile.readArray("/expected/train/fallback", as: Double.self).storage
        #expect(fallback == expectedFallback)
        let p = try expectedFile.info("/f").shape.dropFirst().reduce(1, *)
        let q = try expectedFile.info("/g").shape.dropFirst().reduce(1, *)
        #expect(try output.info("/W").shape == [q, p])
        let config = try output.attribute("config").stringValue ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any]
        #expect(object?["batch_size"] as? Int == c.batchSize)
        #expect(object?["precision"] as? String == c.precision)
    }

    @Test func replayedLambdasReproduceTheOfficialRun() throws {
        let directory = try TestPaths.temporaryDirectory("normalize")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture("images_early_fusion.h5").path
        let out = directory.appendingPathComponent("out.h5").path
        let run = try ToolRunner.run(["normalize", "--f", "\(fixture):/f", "--g", "\(fixture):/g",
                                      "--batch-size", "50", "--epochs", "1", "--precision", "float32",
                                      "--normalize-input", "true", "--affine", "true", "--sigma-min", "1e-8",
                                      "--lambda-from", "\(fixture):/expected/train/lambda_returned",
                                      "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let expectedFile = try HDF5File.open(fixture)
        let output = try HDF5File.open(out)
        let reference = try Expected.load(expectedFile, "/expected/eval/f_r")
        let problem = reference.mismatch(try output.readArray("/f", as: Double.self).storage, profile: .replay)
        #expect(problem == nil, "\(problem ?? "")")
        for name in ["running_mean", "running_var"] {
            let state = try Expected.load(expectedFile, "/expected/state/norm_f/\(name)")
            let written = try output.readArray("/state/norm_f/\(name)", as: Double.self).storage
            #expect(state.mismatch(written, profile: .replay) == nil, "norm_f \(name)")
        }
        let lambdas = try output.readArray("/steps/lambda", as: Double.self).storage
        let logged = try expectedFile.readArray("/expected/train/lambda_returned", as: Double.self).storage
        #expect(lambdas == logged.map { Double(Float($0)) })
    }

    @Test func existingOutputIsRefusedWithoutForce() throws {
        let directory = try TestPaths.temporaryDirectory("normalize")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture("linear_confound_vec.h5").path
        let out = directory.appendingPathComponent("out.h5")
        try Data("keep me".utf8).write(to: out)
        let run = try ToolRunner.run(["normalize", "--f", "\(fixture):/f", "--g", "\(fixture):/g",
                                      "--batch-size", "50", "--epochs", "1", "--out", out.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains(out.path))
        #expect(try String(contentsOf: out, encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.h5"])
    }
}
