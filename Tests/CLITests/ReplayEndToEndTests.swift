import Foundation
import HDF5IO
import Testing
import TestSupport

/// Replaying real training runs (fixtures README, "Training-log fixtures"):
/// the official example's loop numbers epochs from 1, shuffles, and keeps the
/// partial last batch; a replay with its λ log and sample order must land on
/// the official module's outputs within each `/expected` dataset's tolerance.
@Suite struct ReplayEndToEndTests {
    /// Every training-log fixture in Tests/Fixtures (held-out variants dropped
    /// into the folder are picked up too).
    static let logFixtures: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: TestPaths.fixture("").path)) ?? []
        return names.filter { $0.hasPrefix("example_loop_") && $0.hasSuffix(".h5") }.sorted()
    }()

    @Test func bothTrainingLogFixturesArePresent() {
        #expect(Self.logFixtures.contains("example_loop_images.h5"))
        #expect(Self.logFixtures.contains("example_loop_conv.h5"))
    }

    /// The replay flags a fixture's `config` attribute calls for.
    static func replayArguments(_ fixture: String, out: String) throws -> [String] {
        let file = try HDF5File.open(fixture)
        let text = try #require(try file.attribute("config").stringValue)
        let config = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let kwargs = try #require(config["regbn_kwargs"] as? [String: Any])
        func flag(_ key: String) throws -> String { try #require(kwargs[key] as? Bool) ? "true" : "false" }
        func number(_ key: String) throws -> String { String(try #require(kwargs[key] as? Double)) }
        var arguments = [
            "normalize", "--f", "\(fixture):/f", "--g", "\(fixture):/g",
            "--batch-size", String(try #require(config["b"] as? Int)),
            "--epochs", String(try #require(config["epochs"] as? Int)),
            "--first-epoch", String(try #require(config["first_epoch"] as? Int)),
            "--lambda-from", "\(fixture):/log/lambda", "--order", "\(fixture):/log/order",
            "--precision", try #require(config["dtype"] as? String),
            "--normalize-input", try flag("normalize_input"), "--normalize-output", try flag("normalize_output"),
            "--affine", try flag("affine"), "--sigma-thr", try number("sigma_THR"), "--sigma-min", try number("sigma_MIN"),
            "--save-training-outputs", "--out", out, "--quiet",
        ]
        if try #require(config["drop_last"] as? Bool) == false { arguments.append("--keep-last-batch") }
        return arguments
    }

    @Test(arguments: logFixtures)
    func replayMatchesTheOfficialModule(_ name: String) throws {
        let directory = try TestPaths.temporaryDirectory("replay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture(name).path
        let out = directory.appendingPathComponent("replay.h5").path
        let run = try ToolRunner.run(try Self.replayArguments(fixture, out: out))
        try #require(run.status == 0, "\(run.stderr)")
        let expectedFile = try HDF5File.open(fixture)
        let output = try HDF5File.open(out)
        var pairs = [("/train/f", "/expected/train/f_r"), ("/train/g", "/expected/train/g_out"),
                     ("/W", "/expected/state/W"), ("/f", "/expected/eval/f_r"), ("/g", "/expected/eval/g_out")]
        for norm in ["norm_f", "norm_g"] where expectedFile.exists("/expected/state/\(norm)/running_mean") {
            for statistic in ["running_mean", "running_var"] {
                pairs.append(("/state/\(norm)/\(statistic)", "/expected/state/\(norm)/\(statistic)"))
            }
        }
        for (written, expected) in pairs {
            let reference = try Expected.load(expectedFile, expected)
            let actual = try output.readArray(written, as: Double.self)
            #expect(actual.shape == reference.shape, "\(name) \(written)")
            let problem = reference.mismatch(actual.storage)
            #expect(problem == nil, "\(name) \(written): \(problem ?? "")")
        }
        // What the run recorded is what a further replay needs.
        let logged = try expectedFile.readArray("/log/order", as: Int64.self)
        let written = try output.readArray("/order", as: Int64.self)
        #expect(written.shape == logged.shape && written.storage == logged.storage)
        #expect(try output.readArray("/steps/epoch_arg", as: Int64.self).storage
                == expectedFile.readArray("/log/epoch_arg", as: Int64.self).storage)
        #expect(try output.readArray("/steps/batch_size", as: Int64.self).storage
                == expectedFile.readArray("/log/batch_size", as: Int64.self).storage)
        #expect(try output.readArray("/steps/fallback", as: Int64.self).storage
                == expectedFile.readArray("/log/fallback", as: Int64.self).storage)
    }

    /// A small synthetic pair whose last batch holds a single row (N = 2b + 1).
    static func writeOneRowTailPair(to path: String, batchSize: Int) throws {
        let n = 2 * batchSize + 1
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        let latent = (0..<n).map { _ in next() }
        let f = (0..<(n * 6)).map { latent[$0 / 6] + 0.3 * next() }
        let g = (0..<(n * 2 * 3 * 3)).map { latent[$0 / 18] * 2 + 0.3 * next() }
        let writer = try HDF5Writer(creating: path)
        try writer.write("/f", shape: [n, 6], values: f.map { Float($0) })
        try writer.write("/g", shape: [n, 2, 3, 3], values: g.map { Float($0) })
        try writer.finish()
    }

    /// A little-endian, C-order `.npy` file (format 1.0) of `values`.
    static func writeNPY<Element>(_ path: String, descr: String, shape: [Int], bytes values: [Element]) throws {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test func shuffledRunReplaysBitForBitFromItsWrittenOrder() throws {
        let directory = try TestPaths.temporaryDirectory("replay-order")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("pair.h5").path
        try Self.writeOneRowTailPair(to: data, batchSize: 8)
        func normalize(_ out: String, _ extra: [String]) throws -> ToolRun {
            try ToolRunner.run(["normalize", "--f", "\(data):/f", "--g", "\(data):/g", "--batch-size", "8",
                                "--epochs", "3", "--first-epoch", "1", "--keep-last-batch", "--normalize-input", "true",
                                "--save-training-outputs", "--out", out, "--quiet"] + extra)
        }
        let first = directory.appendingPathComponent("shuffled.h5").path
        let again = directory.appendingPathComponent("shuffled-again.h5").path
        let replay = directory.appendingPathComponent("replay.h5").path
        for run in [try normalize(first, ["--shuffle", "42"]), try normalize(again, ["--shuffle", "42"]),
                    try normalize(replay, ["--order", "\(first):/order"])] {
            #expect(run.status == 0, "\(run.stderr)")
        }
        // The same log as NumPy arrays (what a training script saves with np.save) replays identically.
        let written = try HDF5File.open(first)
        let orderNPY = directory.appendingPathComponent("order.npy").path
        let lambdaNPY = directory.appendingPathComponent("lambda.npy").path
        let writtenOrder = try written.readArray("/order", as: Int64.self)
        try Self.writeNPY(orderNPY, descr: "<i8", shape: writtenOrder.shape, bytes: writtenOrder.storage)
        let writtenLambda = try written.readArray("/steps/lambda", as: Double.self)
        try Self.writeNPY(lambdaNPY, descr: "<f8", shape: writtenLambda.shape, bytes: writtenLambda.storage)
        let fromNumPy = directory.appendingPathComponent("from-numpy.h5").path
        let numpyRun = try normalize(fromNumPy, ["--order", orderNPY, "--lambda-from", lambdaNPY])
        #expect(numpyRun.status == 0, "\(numpyRun.stderr)")
        let a = try HDF5File.open(first), b = try HDF5File.open(again), c = try HDF5File.open(replay)
        let d = try HDF5File.open(fromNumPy)
        let order = try a.readArray("/order", as: Int64.self)
        #expect(order.shape == [3, 17])
        #expect(order.storage == (try b.readArray("/order", as: Int64.self)).storage, "the same seed, the same order")
        #expect(Set(order.storage[0..<17]) == Set((0..<17).map(Int64.init)), "each epoch is a permutation")
        #expect(order.storage[0..<17] != order.storage[17..<34], "epochs get fresh orders")
        // 3 steps per epoch (8, 8 and the one-row tail), n_epoch counted from 1.
        #expect(try a.readArray("/steps/batch_size", as: Int64.self).storage == [8, 8, 1, 8, 8, 1, 8, 8, 1])
        #expect(try a.readArray("/steps/epoch_arg", as: Int64.self).storage == [1, 1, 1, 2, 2, 2, 3, 3, 3])
        for path in ["/train/f", "/train/g", "/W", "/f", "/g", "/steps/lambda", "/order"] {
            let expected = try a.readArray(path, as: Double.self).storage
            let finite = expected.allSatisfy { $0.isFinite }
            #expect(finite, "\(path) is finite")
            let replayed = try c.readArray(path, as: Double.self).storage
            #expect(replayed == expected, "\(path) replayed bit for bit")
            let fromLog = try d.readArray(path, as: Double.self).storage
            #expect(fromLog == expected, "\(path) replayed bit for bit from .npy logs")
        }
    }

    @Test func mismatchedLogsAndBadOrdersAreBadInputThatNamesBothNumbers() throws {
        let directory = try TestPaths.temporaryDirectory("replay-errors")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("pair.h5").path
        try Self.writeOneRowTailPair(to: data, batchSize: 8)  // 17 samples
        let logs = directory.appendingPathComponent("logs.h5").path
        let writer = try HDF5Writer(creating: logs)
        try writer.write("/lambda6", shape: [6], values: [Double](repeating: 1, count: 6))
        try writer.write("/range", shape: [2, 17], values: (0..<34).map { Int64($0 % 17 == 3 ? 17 : $0 % 17) })
        try writer.write("/repeat", shape: [2, 17], values: (0..<34).map { Int64($0 % 17 == 5 ? 4 : $0 % 17) })
        try writer.write("/epochs3", shape: [3, 17], values: (0..<51).map { Int64($0 % 17) })
        try writer.write("/flat", shape: [30], values: (0..<30).map { Int64($0 % 15) })
        try writer.write("/cube", shape: [2, 17, 1], values: (0..<34).map { Int64($0 % 17) })
        try writer.finish()
        func normalize(_ extra: [String]) throws -> ToolRun {
            let epochs = extra.contains("--epochs") ? [] : ["--epochs", "2"]
            return try ToolRunner.run(["normalize", "--f", "\(data):/f", "--g", "\(data):/g", "--batch-size", "8",
                                       "--out", directory.appendingPathComponent("out.h5").path, "--quiet"]
                                      + epochs + extra)
        }
        let cases: [([String], [String])] = [
            // 2 epochs × 2 steps = 4 without the tail; 6 = 2 × 3 with it.
            (["--lambda-from", "\(logs):/lambda6"], ["holds 6 values", "= 4", "--keep-last-batch"]),
            (["--lambda-from", "\(logs):/lambda6", "--keep-last-batch", "--epochs", "3"], ["holds 6 values", "= 9", "--epochs 2"]),
            (["--order", "\(logs):/range"], ["names sample 17", "outside 0..<17", "--order \(logs):/range"]),
            (["--order", "\(logs):/repeat"], ["sample 4 appears twice in epoch 0", "positions 4 and 5"]),
            (["--order", "\(logs):/epochs3"], ["3 epochs", "the run has 2", "--epochs 3"]),
            (["--order", "\(logs):/flat"], ["holds 30 sample indices", "need 34", "(or 32 with the last partial batch dropped)"]),
            (["--order", "\(logs):/cube"], ["shape [2, 17, 1]"]),
        ]
        for (extra, phrases) in cases {
            let run = try normalize(extra)
            #expect(run.status == 3, "\(extra): \(run.stderr)")
            for phrase in phrases { #expect(run.stderr.contains(phrase), "\(extra): '\(phrase)' in \(run.stderr)") }
        }
        let both = try normalize(["--shuffle", "1", "--order", "\(logs):/epochs3"])
        #expect(both.status == 2, "\(both.stderr)")
    }
}
