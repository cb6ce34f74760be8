import Foundation
import Testing
import TestSupport

/// `--out` for every command: missing parents are created (`mkdir -p`), a
/// file in the way or the wrong kind of output is a usage error (2), names up
/// to the file system's 255 bytes work whatever the staging name, and a
/// directory the tool cannot write or a write that fails is exit 1 naming the
/// output and the reason, leaving nothing behind.
@Suite struct OutputPathEndToEndTests {
    static let input = OutputScenario.input

    /// Each command that writes `--out`, writing to `out`.
    static func commands(out: (String) -> String) -> [(String, [String])] {
        let f = "\(input):/f", g = "\(input):/g"
        return [
            ("normalize", OutputScenario.normalize.arguments(out: out("normalize.h5"))),
            ("audit", OutputScenario.audit.arguments(out: out("audit"))),
            ("dependence", OutputScenario.dependence.arguments(out: out("dependence"))),
            ("spectrum", ["spectrum", "--x", g, "--batch-size", "50", "--quiet", "--out", out("spectrum")]),
            ("channels", ["channels", "--x", f, "--batch-size", "50", "--out", out("channels")]),
        ]
    }

    @Test func missingParentsAreCreatedForEveryCommand() throws {
        let directory = try TestPaths.temporaryDirectory("out-path")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, arguments) in Self.commands(out: { directory.appendingPathComponent("\($0)/new/deeper/\($0)").path }) {
            let run = try ToolRunner.run(arguments)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            let parent = directory.appendingPathComponent("\(name == "normalize" ? "normalize.h5" : name)/new/deeper")
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).count == 1, "\(name)")
        }
    }

    @Test func aFileInTheWayOfAParentIsAUsageError() throws {
        let directory = try TestPaths.temporaryDirectory("out-path")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("file")
        try Data("in the way".utf8).write(to: file)
        for (name, arguments) in Self.commands(out: { file.appendingPathComponent("sub/\($0)").path }) {
            let run = try ToolRunner.run(arguments)
            #expect(run.status == 2, "\(name): \(run.stderr)")
            #expect(run.stderr.contains("--out \(file.path)/sub/") && run.stderr.contains("'\(file.path)' is not a directory"),
                    "\(name): \(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["file"])
    }

    @Test func aDirectoryForAFileAndAFileForADirectoryAreRefusedEvenWithForce() throws {
        let directory = try TestPaths.temporaryDirectory("out-path")
        defer { try? FileManager.default.removeItem(at: directory) }
        let existingDirectory = directory.appendingPathComponent("dir")
        try FileManager.default.createDirectory(at: existingDirectory, withIntermediateDirectories: false)
        let existingFile = directory.appendingPathComponent("file")
        try Data("mine".utf8).write(to: existingFile)
        let normalize = try ToolRunner.run(OutputScenario.normalize.arguments(out: existingDirectory.path) + ["--force"])
        #expect(normalize.status == 2 && normalize.stderr.contains("this is a directory"), "\(normalize.stderr)")
        let dependence = try ToolRunner.run(OutputScenario.dependence.arguments(out: existingFile.path) + ["--force"])
        #expect(dependence.status == 2 && dependence.stderr.contains("this is a file"), "\(dependence.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["dir", "file"])
        #expect(try String(contentsOf: existingFile, encoding: .utf8) == "mine")
    }

    /// `--force` replaces this tool's outputs only: a directory that is not a
    /// report (no run.json) or a file that is not HDF5 keeps every byte.
    @Test func forceNeverReplacesOtherData() throws {
        let directory = try TestPaths.temporaryDirectory("out-path")
        defer { try? FileManager.default.removeItem(at: directory) }
        let papers = directory.appendingPathComponent("papers")
        try FileManager.default.createDirectory(at: papers, withIntermediateDirectories: false)
        try Data("draft".utf8).write(to: papers.appendingPathComponent("data.txt"))
        let notes = directory.appendingPathComponent("notes.h5")
        try Data("not hdf5".utf8).write(to: notes)
        let report = try ToolRunner.run(OutputScenario.dependence.arguments(out: papers.path) + ["--force"])
        #expect(report.status == 2 && report.stderr.contains("this directory is not a report of this tool"),
                "\(report.stderr)")
        let file = try ToolRunner.run(OutputScenario.normalize.arguments(out: notes.path) + ["--force"])
        #expect(file.status == 2 && file.stderr.contains("this file is not an HDF5 file"), "\(file.stderr)")
        #expect(try String(contentsOf: papers.appendingPathComponent("data.txt"), encoding: .utf8) == "draft")
        #expect(try String(contentsOf: notes, encoding: .utf8) == "not hdf5")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["notes.h5", "papers"])
        // A report and an HDF5 output of an earlier run are replaced.
        for arguments in [OutputScenario.dependence.arguments(out: papers.path + "-report"),
                          OutputScenario.normalize.arguments(out: notes.path + "-out.h5")] {
            #expect(try ToolRunner.run(arguments).status == 0)
            let again = try ToolRunner.run(arguments + ["--force"])
            #expect(again.status == 0, "\(again.stderr)")
        }
    }

    /// 250 bytes in ASCII for the file, in two-byte characters for the report:
    /// the staging names (hidden prefix, PID, token) must still fit in 255.
    @Test func twoHundredFiftyByteNamesWork() throws {
        let directory = try TestPaths.temporaryDirectory("out-path")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fileName = String(repeating: "n", count: 247) + ".h5"
        let reportName = String(repeating: "ü", count: 125)
        #expect(fileName.utf8.count == 250 && reportName.utf8.count == 250)
        for (scenario, name) in [(OutputScenario.normalize, fileName), (.dependence, reportName)] {
            let out = directory.appendingPathComponent(name).path
            let run = try ToolRunner.run(scenario.arguments(out: out))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try scenario.inspect(out, reference: try scenario.reference(in: directory)) == .complete)
        }
        #expect(try stagingEntries(in: directory).isEmpty)
    }

    /// As root, permissions do not bind: the run drops to `nobody` (setpriv),
    /// for whom the root-owned 0555 directory is read-only too.
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aReadOnlyDirectoryIsAnOutputFailure() throws {
        let directory = try TestPaths.temporaryDirectory("out-path")
        defer {
            _ = chmod(directory.appendingPathComponent("readonly").path, 0o755)
            try? FileManager.default.removeItem(at: directory)
        }
        _ = chmod(directory.path, 0o755)
        let readOnly = directory.appendingPathComponent("readonly")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: false)
        #expect(chmod(readOnly.path, 0o555) == 0)
        let wrapper = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        for scenario in [OutputScenario.normalize, .dependence] {
            let out = readOnly.appendingPathComponent(scenario.writesFile ? "out.h5" : "report").path
            let tool = try SpawnedTool(scenario.arguments(out: out), stderr: directory.appendingPathComponent("stderr"),
                                       through: wrapper)
            #expect(tool.wait() == .exited(1), "\(tool.stderr)")
            #expect(tool.stderr.contains("--out \(out)") && tool.stderr.contains("Permission denied"), "\(tool.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: readOnly.path).isEmpty)
    }

    /// A write that fails midway (here a file size limit: EFBIG, the same path
    /// as ENOSPC or EIO) is exit 1, names the output, and leaves nothing.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit")))
    func aFailedWriteIsAnOutputFailureAndLeavesNothing() throws {
        let directory = try TestPaths.temporaryDirectory("out-path")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The outputs are ≥ 7 kB (report) and ≥ 250 kB (file); stderr goes to
        // a pipe-free file of its own, which stays far below the limit.
        for (scenario, limit) in [(OutputScenario.normalize, "20000"), (.dependence, "2000")] {
            let out = directory.appendingPathComponent(scenario.writesFile ? "out.h5" : "report").path
            let stderr = directory.appendingPathComponent("\(scenario.rawValue).stderr")
            let tool = try SpawnedTool(scenario.arguments(out: out), stderr: stderr,
                                       through: ["/usr/bin/prlimit", "--fsize=\(limit)"])
            #expect(tool.wait() == .exited(1), "\(tool.stderr)")
            // The first line says it all, before any HDF5 error stack.
            let summary = tool.stderr.split(separator: "\n").first ?? ""
            #expect(summary.contains(out) && summary.contains("File too large"), "\(tool.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasSuffix(".stderr") }
            #expect(left.isEmpty, "\(left)")
        }
    }
}
