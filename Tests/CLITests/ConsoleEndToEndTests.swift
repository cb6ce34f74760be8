import Foundation
import Testing
import TestSupport

/// Writes to stdout that fail end the tool with exit 1, never a trap
/// (issue 9: `inspect F > /dev/full` died of "'try!' expression unexpectedly
/// raised"). A reader that closes the pipe early is a quiet exit 1.
@Suite struct ConsoleEndToEndTests {
    struct Outcome {
        let status: Int32
        let reason: Process.TerminationReason
        let stderr: String
    }

    /// Runs the tool with `stdout` as its standard output; stderr goes to a file.
    private func run(_ arguments: [String], stdout: FileHandle) throws -> Outcome {
        let scratch = try TestPaths.temporaryDirectory("console")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = try ToolRunner.binary()
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try errHandle.close()
        return Outcome(status: process.terminationStatus, reason: process.terminationReason,
                       stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    static let fixture = TestPaths.fixture("linear_confound_vec.h5").path

    @Test(arguments: [["inspect", fixture], ["inspect", fixture, "--json"], ["--help"], ["--version"], ["help", "audit"]])
    func fullDiskOnStdoutIsExitOneWithAMessage(_ arguments: [String]) throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        let outcome = try run(arguments, stdout: full)
        #expect(outcome.reason == .exit, "the tool died of a signal")
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "Error: cannot write to standard output: No space left on device\n")
    }

    @Test func closedPipeOnStdoutIsAQuietExitOne() throws {
        // A reader that has gone away before the tool writes, as with `| head -0`.
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let outcome = try run(["inspect", Self.fixture], stdout: pipe.fileHandleForWriting)
        #expect(outcome.reason == .exit, "the tool died of SIGPIPE")
        #expect(outcome.status == 1)
        #expect(outcome.stderr.isEmpty, "\(outcome.stderr)")
    }

    @Test func fullDiskOnStderrStillExitsWithTheErrorsStatus() throws {
        // The usage error cannot be printed; its status (2) still tells the caller.
        let scratch = try TestPaths.temporaryDirectory("console")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = try ToolRunner.binary()
        process.arguments = ["inspect", "--jsn"]
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = full
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 2)
    }
}
