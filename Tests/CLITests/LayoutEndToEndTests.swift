import Foundation
import HDF5IO
import Testing
import TestSupport

/// A channels-last dump read with `--layout nhwc` gives exactly the report of
/// the same data stored channels-first.
@Suite struct LayoutEndToEndTests {
    @Test func nhwcAndNchwAgree() throws {
        let directory = try TestPaths.temporaryDirectory("layout")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try HDF5File.open(TestPaths.fixture("conv_maps.h5").path)
        let g = try fixture.readFeatures("/g", as: Float.self)          // [N, C, H, W]
        let f = try fixture.readFeatures("/f", as: Float.self)
        let (n, c, h, w) = (g.shape[0], g.shape[1], g.shape[2], g.shape[3])
        var channelsLast = [Float](repeating: 0, count: g.storage.count)
        for s in 0..<n { for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            channelsLast[((s * h + y) * w + x) * c + ch] = g.storage[((s * c + ch) * h + y) * w + x]
        } } } }
        let path = directory.appendingPathComponent("nhwc.h5").path
        let writer = try HDF5Writer(creating: path)
        try writer.write("/f", shape: f.shape, values: f.storage)
        try writer.write("/g", shape: [n, h, w, c], values: channelsLast)
        try writer.write("/g_nchw", shape: g.shape, values: g.storage)
        try writer.finish()

        func summary(_ dataset: String, layout: String) throws -> String {
            let out = directory.appendingPathComponent("r-\(layout)").path
            let run = try ToolRunner.run(["dependence", "--x", "\(path):/f", "--y", "\(path):\(dataset)",
                                          "--layout", layout, "--permutations", "0", "--out", out, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            return try String(contentsOfFile: out + "/crosscorr.csv", encoding: .utf8)
                + String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
        }
        #expect(try summary("/g", layout: "nhwc") == summary("/g_nchw", layout: "nchw"))
    }

    /// `[N, C, H, W]` values reordered as `[N, H, W, C]`; 2-D features have no channel axis to move.
    static func channelsLast(_ x: FeatureArray<Float>) -> (shape: [Int], values: [Float]) {
        guard x.shape.count == 4 else { return (x.shape, x.storage) }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var out = [Float](repeating: 0, count: x.storage.count)
        for s in 0..<n { for ch in 0..<c { for y in 0..<h { for z in 0..<w {
            out[((s * h + y) * w + z) * c + ch] = x.storage[((s * c + ch) * h + y) * w + z]
        } } } }
        return ([n, h, w, c], out)
    }

    @Test func normalizeWritesOutputsInTheInputLayout() throws {
        let directory = try TestPaths.temporaryDirectory("layout")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try HDF5File.open(TestPaths.fixture("conv_maps.h5").path)
        let f = try fixture.readFeatures("/f", as: Float.self, samples: 0..<60)
        let g = try fixture.readFeatures("/g", as: Float.self, samples: 0..<60)
        let path = directory.appendingPathComponent("pair.h5").path
        let writer = try HDF5Writer(creating: path)
        for (name, x) in [("f", f), ("g", g)] {
            try writer.write("/\(name)", shape: x.shape, values: x.storage)
            let last = Self.channelsLast(x)
            try writer.write("/\(name)_nhwc", shape: last.shape, values: last.values)
        }
        try writer.finish()

        func normalize(_ suffix: String, layout: String) throws -> HDF5File {
            let out = directory.appendingPathComponent("out-\(layout).h5").path
            let run = try ToolRunner.run(["normalize", "--f", "\(path):/f\(suffix)", "--g", "\(path):/g\(suffix)",
                                          "--layout", layout, "--batch-size", "20", "--epochs", "1",
                                          "--out", out, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            return try HDF5File.open(out)
        }
        let channelsFirst = try normalize("", layout: "nchw")
        let channelsLastRun = try normalize("_nhwc", layout: "nhwc")
        for name in ["f", "g"] {
            let expected = Self.channelsLast(try channelsFirst.readArray("/\(name)", as: Float.self))
            let written = try channelsLastRun.readArray("/\(name)", as: Float.self)
            #expect(written.shape == expected.shape && written.storage == expected.values, "/\(name)")
        }
        let config = try channelsLastRun.attribute("config").stringValue ?? ""
        #expect(config.contains("\"outputs_layout\":\"nhwc\""), "\(config)")
    }
}
