import Foundation
import Testing
import TestSupport

/// Ctrl-C during a run leaves nothing behind: no output under the final name
/// and no hidden staging file or directory; the process ends by SIGINT, as
/// it would without the clean-up handler.
@Suite struct InterruptionEndToEndTests {
    /// Starts the tool, interrupts it once a file named `stagingPrefix…` exists
    /// in `directory` (or after a second when nil), and returns its exit status.
    static func interrupt(_ arguments: [String], in directory: URL, stagingPrefix: String?) throws -> Int32 {
        let process = Process()
        process.executableURL = try ToolRunner.binary()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(stagingPrefix == nil ? 1 : 60)
        while Date() < deadline, process.isRunning {
            if let stagingPrefix, try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .contains(where: { $0.hasPrefix(stagingPrefix) }) { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(process.isRunning, "the run ended before it could be interrupted")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        return process.terminationStatus
    }

    @Test func normalizeAndAuditRemoveTheirStagedOutputs() throws {
        let directory = try TestPaths.temporaryDirectory("interrupt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("pair.h5")
        try FileManager.default.copyItem(at: TestPaths.fixture("conv_maps.h5"), to: input)
        let pair = ["--f", "\(input.path):/f", "--g", "\(input.path):/g", "--batch-size", "50", "--epochs", "20000"]

        let normalize = try Self.interrupt(["normalize"] + pair + ["--out", directory.appendingPathComponent("out.h5").path],
                                           in: directory, stagingPrefix: ".out.h5.tmp-")
        #expect(normalize == SIGINT)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pair.h5"])

        // audit stages its report directory only at the end, after the statistics.
        let audit = try Self.interrupt(["audit"] + pair + ["--out", directory.appendingPathComponent("report").path],
                                       in: directory, stagingPrefix: nil)
        #expect(audit == SIGINT)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pair.h5"])
    }
}
