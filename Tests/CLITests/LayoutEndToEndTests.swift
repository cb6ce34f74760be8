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
        try writer.commit()

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
}
