import Foundation
import TestSupport

/// Runs the built `regbn-analyze` executable and captures what a user sees.
struct ToolRun: Sendable {
    let status: Int32
    /// False when the process died of a signal (then `status` is the signal number).
    var exited = true
    let stdout: String
    let stderr: String
}

enum ToolRunner {
    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "regbn-analyze binary not found; build it with `swift build` (searched: \(searched.joined(separator: ", ")))"
        }
    }

    /// The executable built beside the test bundle. SwiftPM puts products and
    /// the test bundle in the same directory, so look next to the running
    /// test process first, then in the package's `.build/debug`, and let
    /// `REGBN_ANALYZE_BINARY` override both.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["REGBN_ANALYZE_BINARY"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        var processURLs = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()]
        if let first = CommandLine.arguments.first {
            processURLs.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for case let url? in processURLs {
            // The bundle may be a directory (`X.xctest/…`) or the executable itself.
            var directory = url
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("regbn-analyze"))
                directory = directory.deletingLastPathComponent()
            }
        }
        let packageRoot = TestPaths.testsDirectory.deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/regbn-analyze"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        throw NotFound(searched: candidates.map(\.path))
    }

    /// Runs the tool with `arguments` in `directory`; output goes to files, not
    /// pipes, so a chatty process can never block on a full pipe.
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> ToolRun {
        let scratch = try TestPaths.temporaryDirectory("tool-run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        if let directory { process.currentDirectoryURL = directory }
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return ToolRun(status: process.terminationStatus, exited: process.terminationReason == .exit,
                       stdout: try String(contentsOf: outURL, encoding: .utf8),
                       stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}
