import Foundation

/// Runs a short Python 3 script (h5py and numpy are installed by
/// `scripts/install-deps --python`), to check outputs the way users read them.
enum PythonScript {
    static func run(_ script: String, in directory: URL) throws -> ToolRun {
        try ToolRunner.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script], in: directory)
    }
}
