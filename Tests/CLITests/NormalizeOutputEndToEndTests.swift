import Foundation
import HDF5IO
import Testing
import TestSupport
@testable import regbn_analyze

/// `normalize --out-dtype` and `--compression`: what is stored, how it is
/// chunked, what a user reading the file with h5py gets, and the bad values.
@Suite struct NormalizeOutputEndToEndTests {
    static let sample = TestPaths.testsDirectory.deletingLastPathComponent()
        .appendingPathComponent("notebooks-data/fashion_early_fusion.h5").path
    static let fixture = TestPaths.fixture("linear_confound_vec.h5").path

    private func normalize(_ input: String, batchSize: Int, _ extra: [String], out: String) throws -> ToolRun {
        try ToolRunner.run(["normalize", "--f", "\(input):/f", "--g", "\(input):/g", "--batch-size", String(batchSize),
                            "--epochs", "1", "--out", out, "--quiet"] + extra)
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
    }

    /// The acceptance test: on the bundled sample, the float32 output
    /// is at most 60 % of the float64 one, and h5py reads it.
    @Test func float32OutputOfTheSampleIsAtMostSixtyPercentAndH5pyReadsIt() throws {
        let directory = try TestPaths.temporaryDirectory("normalize-dtype")
        defer { try? FileManager.default.removeItem(at: directory) }
        let wide = directory.appendingPathComponent("f64.h5").path, narrow = directory.appendingPathComponent("f32.h5").path
        let wideRun = try normalize(Self.sample, batchSize: 50, [], out: wide)
        let narrowRun = try normalize(Self.sample, batchSize: 50, ["--out-dtype", "float32"], out: narrow)
        #expect(wideRun.status == 0 && narrowRun.status == 0, "\(wideRun.stderr)\(narrowRun.stderr)")
        let ratio = Double(try fileSize(narrow)) / Double(try fileSize(wide))
        #expect(ratio <= 0.6, "float32 output is \(ratio) of the float64 one")
        let check = try PythonScript.run("""
            import h5py, json, numpy as np
            with h5py.File('f32.h5', 'r') as a, h5py.File('f64.h5', 'r') as b:
                for name in ('f', 'g', 'W'):
                    assert a[name].dtype == np.float32 and b[name].dtype == np.float64, name
                    assert a[name].shape == b[name].shape, name
                    assert np.array_equal(a[name][...], b[name][...].astype(np.float32)), name
                assert a['f'].chunks == (50, 1, 28, 28) and a['f'].compression == 'gzip', a['f'].chunks
                config = json.loads(a.attrs['config'])
                assert config['out_dtype'] == 'float32' and config['compression'] == 'gzip:4', config
                print(a['f'].shape)
            """, in: directory)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout == "(2000, 1, 28, 28)\n")
    }

    @Test func compressionChangesTheStorageButNotTheValues() throws {
        let directory = try TestPaths.temporaryDirectory("normalize-compression")
        defer { try? FileManager.default.removeItem(at: directory) }
        var outputs: [String: HDF5File] = [:]
        for compression in ["none", "gzip:9", "gzip"] {
            let out = directory.appendingPathComponent("\(compression).h5").path
            let run = try normalize(Self.fixture, batchSize: 50, ["--compression", compression], out: out)
            #expect(run.status == 0, "\(run.stderr)")
            outputs[compression] = try HDF5File.open(out)
        }
        let plain = try #require(outputs["none"]), best = try #require(outputs["gzip:9"])
        let standard = try #require(outputs["gzip"])
        for path in ["/f", "/g", "/W"] {
            #expect(try plain.info(path).layout == .contiguous && plain.info(path).filters.isEmpty, "\(path)")
            #expect(try best.info(path).filters.map(\.id) == [1], "\(path): deflate only")
            #expect(try best.info(path).filters.first?.parameters == [9])
            #expect(try standard.info(path).filters.first?.parameters == [4])
            let reference = try plain.readArray(path, as: Double.self).storage
            #expect(try best.readArray(path, as: Double.self).storage == reference, "\(path)")
        }
        // Chunks of one batch of whole samples.
        #expect(try best.info("/f").chunks == [50, 64])
        #expect(try best.info("/f").elementType.size == 8)
    }

    @Test func float64OutputOfAFloat32RunHoldsTheFloat32Values() throws {
        let directory = try TestPaths.temporaryDirectory("normalize-widen")
        defer { try? FileManager.default.removeItem(at: directory) }
        let native = directory.appendingPathComponent("native.h5").path
        let widened = directory.appendingPathComponent("widened.h5").path
        #expect(try normalize(Self.fixture, batchSize: 50, ["--precision", "float32"], out: native).status == 0)
        #expect(try normalize(Self.fixture, batchSize: 50, ["--precision", "float32", "--out-dtype", "float64"],
                              out: widened).status == 0)
        let a = try HDF5File.open(native), b = try HDF5File.open(widened)
        #expect(try a.info("/f").elementType.size == 4 && b.info("/f").elementType.size == 8)
        #expect(try a.readArray("/f", as: Double.self).storage == b.readArray("/f", as: Double.self).storage)
    }

    /// A float64 run whose outputs exceed float32's range (3.4e38) is stopped,
    /// never written as ±infinity, and leaves nothing behind.
    @Test func valuesBeyondFloat32StopTheRun() throws {
        let directory = try TestPaths.temporaryDirectory("normalize-range")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("huge.h5").path
        let writer = try HDF5Writer(creating: input)
        try writer.write("/f", shape: [60, 3], values: (0..<180).map { 1e39 * Double($0 % 7 + 1) })
        try writer.write("/g", shape: [60, 2], values: (0..<120).map { Double(($0 * 37) % 11) - 5 })
        try writer.finish()
        let out = directory.appendingPathComponent("out.h5").path
        let run = try normalize(input, batchSize: 20, ["--normalize-input", "false", "--normalize-output", "false",
                                                       "--out-dtype", "float32"], out: out)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("beyond float32's range") && run.stderr.contains("--out-dtype float64"),
                "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["huge.h5"])
        #expect(try normalize(input, batchSize: 20, ["--normalize-input", "false", "--normalize-output", "false"],
                              out: out).status == 0)
    }

    @Test(arguments: [["--compression", "gzip:10"], ["--compression", "zip"], ["--compression", "gzip:"],
                      ["--out-dtype", "float16"]])
    func badValuesAreUsageErrors(_ extra: [String]) throws {
        let run = try normalize(Self.fixture, batchSize: 50, extra, out: "never.h5")
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("'\(extra[1])'") && run.stderr.contains(extra[0]), "\(run.stderr)")
    }
}

/// The values `--out-dtype` and `--compression` parse to, and their defaults.
@Suite struct NormalizeOutputOptionTests {
    static let base = ["normalize", "--f", "a.h5:/f", "--g", "a.h5:/g", "--batch-size", "5", "--epochs", "1",
                       "--out", "o.h5"]

    private func options(_ extra: [String]) throws -> NormalizeOptions? {
        guard case .normalize(let options) = try parse(Self.base + extra) else { return nil }
        return options
    }

    @Test func defaultsAreTheWorkingPrecisionAndGzipFour() throws {
        let options = try #require(try options([]))
        #expect(options.outDType == nil && options.compression == .gzip(level: 4))
    }

    @Test func valuesParse() throws {
        #expect(try options(["--compression", "gzip:0"])?.compression == .gzip(level: 0))
        #expect(try options(["--compression", "gzip:9"])?.compression == .gzip(level: 9))
        #expect(try options(["--compression", "gzip"])?.compression == .gzip(level: 4))
        #expect(try options(["--compression", "none"])?.compression == OutputCompression.none)
        #expect(try options(["--out-dtype", "float32"])?.outDType == .float32)
    }

    @Test func aNearMissIsSuggested() {
        #expect(throws: UsageError(
            "The value 'gzpi' is invalid for '--compression <compression>': expected gzip, gzip:LEVEL or none. "
                + "Did you mean 'gzip'?", subcommand: .normalize)) {
            try parse(Self.base + ["--compression", "gzpi"])
        }
    }
}
