import Foundation

/// Runs a short Python 3 script (h5py and numpy are installed by
/// `scripts/install-deps --python`), to check outputs the way users read them.
enum PythonScript {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ script: String, in directory: URL) throws -> Result {
        let out = directory.appendingPathComponent(".python-stdout"), err = directory.appendingPathComponent(".python-stderr")
        for url in [out, err] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script]
        python.currentDirectoryURL = directory
        python.standardOutput = outHandle
        python.standardError = errHandle
        python.standardInput = FileHandle.nullDevice
        try python.run()
        python.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        defer { for url in [out, err] { try? FileManager.default.removeItem(at: url) } }
        return Result(status: python.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
