import Foundation
import HDF5IO
import Testing
import TestSupport

/// Inputs that are unusual but valid: the run completes and says what it did.
@Suite struct EdgeCaseEndToEndTests {
    @Test func zeroVarianceChannelIsNamedAndExcluded() throws {
        let directory = try TestPaths.temporaryDirectory("edge")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try HDF5File.open(TestPaths.fixture("conv_maps.h5").path)
        var g = try fixture.readFeatures("/g", as: Float.self)   // [200, 8, 4, 4]
        let perChannel = 16, channels = 8
        for sample in 0..<g.shape[0] {
            for k in 0..<perChannel { g.storage[(sample * channels + 5) * perChannel + k] = 0.25 }
        }
        let f = try fixture.readFeatures("/f", as: Float.self)
        let path = directory.appendingPathComponent("constant.h5").path
        let writer = try HDF5Writer(creating: path)
        try writer.write("/f", shape: f.shape, values: f.storage)
        try writer.write("/g", shape: g.shape, values: g.storage)
        try writer.finish()
        let out = directory.appendingPathComponent("r")
        let run = try ToolRunner.run(["dependence", "--x", "\(path):/f", "--y", "\(path):/g", "--permutations", "0",
                                      "--max-samples", "100000", "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Zero-variance channels") && run.stdout.contains("y [5]"), "\(run.stdout)")
        let crosscorr = try CSVDocument(String(contentsOf: out.appendingPathComponent("crosscorr.csv"), encoding: .utf8))
        for row in crosscorr.rows {
            #expect((row["r_raw"] == "nan") == (row["g_channel"] == "5"))
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json")))
            as? [String: Any]
        let subsample = manifest?["subsample"] as? [String: Any]
        #expect(subsample?["used"] as? Int == 200 && subsample?["complete"] as? Bool == true)
        #expect((manifest?["warnings"] as? [String])?.contains { $0.contains("y [5]") } == true)
    }

    @Test func shuffleIsSeededAndKeepsShapes() throws {
        let directory = try TestPaths.temporaryDirectory("edge")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture("linear_confound_vec.h5").path
        func normalize(_ seed: String, _ name: String) throws -> (lambda: [Double], f: FeatureArray<Double>) {
            let out = directory.appendingPathComponent(name).path
            let run = try ToolRunner.run(["normalize", "--f", "\(fixture):/f", "--g", "\(fixture):/g", "--batch-size", "50",
                                          "--epochs", "2", "--shuffle", seed, "--out", out, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            let file = try HDF5File.open(out)
            return (try file.readArray("/steps/lambda", as: Double.self).storage, try file.readArray("/f", as: Double.self))
        }
        let a = try normalize("7", "a.h5"), b = try normalize("7", "b.h5"), c = try normalize("8", "c.h5")
        #expect(a.lambda == b.lambda && a.f.storage == b.f.storage)
        #expect(a.lambda != c.lambda)
        #expect(a.f.shape == [400, 64])
    }
}

/// `--eval-f/--eval-g`: inference runs on other samples with the trained state.
@Suite struct EvaluationDataEndToEndTests {
    @Test func evaluationSamplesGetTheTrainedTransform() throws {
        let directory = try TestPaths.temporaryDirectory("eval")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixturePath = TestPaths.fixture("conv_maps.h5").path
        let fixture = try HDF5File.open(fixturePath)
        let f = try fixture.readFeatures("/f", as: Float.self, samples: 0..<120)
        let g = try fixture.readFeatures("/g", as: Float.self, samples: 0..<120)
        let evalPath = directory.appendingPathComponent("eval.h5").path
        let writer = try HDF5Writer(creating: evalPath)
        try writer.write("/f", shape: f.shape, values: f.storage)
        try writer.write("/g", shape: g.shape, values: g.storage)
        try writer.finish()
        let common = ["normalize", "--f", "\(fixturePath):/f", "--g", "\(fixturePath):/g", "--batch-size", "50",
                      "--epochs", "2", "--normalize-input", "true", "--quiet"]
        let full = directory.appendingPathComponent("full.h5").path
        let subset = directory.appendingPathComponent("subset.h5").path
        #expect(try ToolRunner.run(common + ["--out", full]).status == 0)
        let run = try ToolRunner.run(common + ["--eval-f", "\(evalPath):/f", "--eval-g", "\(evalPath):/g", "--out", subset])
        #expect(run.status == 0, "\(run.stderr)")
        // Eval-mode outputs depend on each sample and the trained state only.
        let all = try HDF5File.open(full).readArray("/f", as: Double.self)
        let part = try HDF5File.open(subset).readArray("/f", as: Double.self)
        #expect(part.shape == [120, 32])
        #expect(Array(all.storage.prefix(part.storage.count)) == part.storage)

        let mismatched = try ToolRunner.run(common + ["--eval-f", "\(evalPath):/g", "--eval-g", "\(evalPath):/g",
                                                      "--out", directory.appendingPathComponent("bad.h5").path])
        #expect(mismatched.status == 3 && mismatched.stderr.contains("--eval-f"), "\(mismatched.stderr)")
    }
}
