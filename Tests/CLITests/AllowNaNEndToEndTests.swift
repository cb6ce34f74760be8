import Foundation
import HDF5IO
import Testing
import TestSupport

/// `normalize --allow-nan`: the SPEC's "unless explicitly allowed". A batch
/// holding NaN goes through RegBN as the official module lets it (returned
/// unchanged, no state touched, λ NaN in the log), counted in a warning; the
/// other batches are normalised as usual. Without the flag the NaN stops the
/// run with its location; ±infinity stops it either way.
@Suite struct AllowNaNEndToEndTests {
    /// f [40, 6] and g [40, 2, 3, 3] float64, dependent; `bad` at f's sample 17, feature 2.
    static func writePair(to path: String, bad: Double) throws {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        let latent = (0..<40).map { _ in next() }
        var f = (0..<(40 * 6)).map { latent[$0 / 6] + 0.3 * next() }
        let g = (0..<(40 * 18)).map { latent[$0 / 18] * 2 + 0.3 * next() }
        f[17 * 6 + 2] = bad
        let writer = try HDF5Writer(creating: path)
        try writer.write("/f", shape: [40, 6], values: f)
        try writer.write("/g", shape: [40, 2, 3, 3], values: g)
        try writer.finish()
    }

    static func arguments(_ input: String, out: String) -> [String] {
        ["normalize", "--f", "\(input):/f", "--g", "\(input):/g", "--batch-size", "10", "--epochs", "2",
         "--precision", "float64", "--quiet", "--out", out]
    }

    @Test func nanBatchesPassThroughUnchangedWhenAllowed() throws {
        let directory = try TestPaths.temporaryDirectory("allow-nan")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("pair.h5").path
        try Self.writePair(to: input, bad: .nan)
        let out = directory.appendingPathComponent("out.h5").path

        let refused = try ToolRunner.run(Self.arguments(input, out: out))
        #expect(refused.status == 3 && refused.stderr.contains("sample 17 holds NaN (flattened feature 2 of 6)"),
                "\(refused.stderr)")

        let allowed = try ToolRunner.run(Self.arguments(input, out: out) + ["--allow-nan"])
        try #require(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("Warning: 2 training batches and 1 inference batches held NaN and were "
                                        + "returned unchanged"), "\(allowed.stdout)")
        let file = try HDF5File.open(out)
        let lambdas = try file.readArray("/steps/lambda", as: Double.self).storage
        // Samples 10..<20 are the second batch of each of the two epochs (file order).
        #expect(lambdas.count == 8 && lambdas[1].isNaN && lambdas[5].isNaN)
        #expect(lambdas.enumerated().allSatisfy { $0.offset == 1 || $0.offset == 5 || $0.element.isFinite })
        let written = try file.readArray("/f", as: Double.self).storage
        let original = try HDF5File.open(input).readArray("/f", as: Double.self).storage
        // The NaN batch is the input itself; the others are RegBN's outputs (changed, finite).
        let batch = 60..<120
        #expect(zip(written[batch], original[batch]).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(written[0..<60].allSatisfy(\.isFinite) && written[120...].allSatisfy(\.isFinite))
        #expect(zip(written[0..<60], original[0..<60]).contains { $0 != $1 })
        let config = try #require(try file.attribute("config").stringValue)
        #expect(config.contains("\"allow_nan\":true"))
    }

    @Test func infinityStopsTheRunEvenWhenNaNIsAllowed() throws {
        let directory = try TestPaths.temporaryDirectory("allow-nan")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("pair.h5").path
        try Self.writePair(to: input, bad: .infinity)
        let run = try ToolRunner.run(Self.arguments(input, out: directory.appendingPathComponent("out.h5").path)
                                     + ["--allow-nan"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("infin"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pair.h5"])
    }
}
