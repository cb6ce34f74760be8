import Foundation
import Testing
import TestSupport
@testable import regbn_analyze

/// Report directories and files are staged beside their final name and
/// renamed into place complete (`StagedOutput`), in-process.
@Suite struct ReportDirectoryTests {
    struct Boom: Error {}

    private func contents(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    private func makeOldReport(_ target: URL) throws {
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("old".utf8).write(to: target.appendingPathComponent("old.csv"))
        // run.json makes it a report of this tool, which `--force` may replace.
        try Data("{}".utf8).write(to: target.appendingPathComponent("run.json"))
    }

    @Test func writesThenRenamesIntoPlace() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        let report = ReportDirectory(path: target.path, force: false)
        try report.prepare()
        // The staging directory exists from `prepare` on, hidden, beside the target.
        let staged = try contents(parent)
        #expect(staged.count == 1 && staged[0].hasPrefix(".out.regbn-staging-\(getpid())-"), "\(staged)")
        try report.write { staging in
            #expect(staging.deletingLastPathComponent().standardizedFileURL.path == parent.standardizedFileURL.path)
            #expect(!FileManager.default.fileExists(atPath: target.path), "target visible before commit")
            try ReportFiles(directory: staging).write(text: "a\n", as: "a.csv")
        }
        #expect(try contents(parent) == ["out"])
        #expect(try contents(target) == ["a.csv"])
    }

    @Test func existingTargetRefusedWithoutForce() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        try makeOldReport(target)
        let error = try #require(throws: OutputError.self) { try ReportDirectory(path: target.path, force: false).prepare() }
        #expect(error.kind == .exists && error.exitStatus == .usage)
        #expect(error.description.contains(target.path) && error.description.contains("--force"))
        var ran = false
        #expect(throws: OutputError.self) {
            try ReportDirectory(path: target.path, force: false).write { _ in ran = true }
        }
        #expect(!ran, "work started although the target could not be written")
        #expect(try contents(target) == ["old.csv", "run.json"])
        #expect(try contents(parent) == ["out"])
    }

    @Test func forceSwapsTheWholeDirectoryInOneStep() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        try makeOldReport(target)
        try ReportDirectory(path: target.path, force: true).write { staging in
            #expect(try contents(target) == ["old.csv", "run.json"], "old report removed before the new one was ready")
            try ReportFiles(directory: staging).write(text: "new\n", as: "new.csv")
        }
        #expect(try contents(target) == ["new.csv"])
        #expect(try contents(parent) == ["out"], "the replaced report was left behind")
    }

    @Test func failureLeavesNothingBehind() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        #expect(throws: Boom.self) {
            try ReportDirectory(path: target.path, force: false).write { staging in
                try ReportFiles(directory: staging).write(text: "half\n", as: "half.csv")
                throw Boom()
            }
        }
        #expect(try contents(parent).isEmpty)
    }

    @Test func failureWithForceKeepsTheOldReport() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        try makeOldReport(target)
        #expect(throws: Boom.self) {
            try ReportDirectory(path: target.path, force: true).write { _ in throw Boom() }
        }
        #expect(try contents(parent) == ["out"])
        #expect(try contents(target) == ["old.csv", "run.json"])
    }

    @Test func aPreparedReportThatIsDroppedLeavesNothing() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        do {
            let report = ReportDirectory(path: parent.appendingPathComponent("out").path, force: false)
            try report.prepare()
            #expect(try contents(parent).count == 1)
        }
        #expect(try contents(parent).isEmpty, "an error between prepare and write stranded the staging directory")
    }

    @Test func aReportThatAppearedMeanwhileIsKept() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        let error = try #require(throws: OutputError.self) {
            try ReportDirectory(path: target.path, force: false).write { staging in
                try ReportFiles(directory: staging).write(text: "mine\n", as: "mine.csv")
                try makeOldReport(target)  // another run committed first
            }
        }
        #expect(error.kind == .appearedMeanwhile && error.exitStatus == .usage)
        #expect(error.message.contains("appeared meanwhile"))
        #expect(try contents(target) == ["old.csv", "run.json"])
        #expect(try contents(parent) == ["out"])
    }

    @Test func aFileThatAppearedMeanwhileIsKept() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out.h5")
        let output = try StagedOutput(path: target.path, kind: .file, force: false)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: try output.prepare()))
        try Data("theirs".utf8).write(to: target)
        let error = try #require(throws: OutputError.self) { try output.commit() }
        #expect(error.kind == .appearedMeanwhile)
        #expect(try String(contentsOf: target, encoding: .utf8) == "theirs")
        #expect(try contents(parent) == ["out.h5"])
    }

    @Test func aFileWithForceReplacesTheOldOne() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out.h5")
        // An HDF5 file (its signature) is an output `--force` may replace.
        let old = Data([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] + Array("old".utf8))
        try old.write(to: target)
        let output = try StagedOutput(path: target.path, kind: .file, force: true)
        try Data("new".utf8).write(to: URL(fileURLWithPath: try output.prepare()))
        #expect(try Data(contentsOf: target) == old)
        try output.commit()
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
        #expect(try contents(parent) == ["out.h5"])
    }

    @Test func wrongKindsAndFilesInTheWayAreUsageErrors() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let file = parent.appendingPathComponent("file")
        try Data().write(to: file)
        let notADirectory = try #require(throws: OutputError.self) {
            try ReportDirectory(path: file.path, force: true).prepare()
        }
        #expect(notADirectory.kind == .wrongKind && notADirectory.exitStatus == .usage)
        let notAFile = try #require(throws: OutputError.self) {
            try StagedOutput(path: parent.path, kind: .file, force: true).prepare()
        }
        #expect(notAFile.kind == .wrongKind)
        let inTheWay = try #require(throws: OutputError.self) {
            try ReportDirectory(path: file.appendingPathComponent("sub/out").path, force: false).prepare()
        }
        #expect(inTheWay.kind == .invalidPath && inTheWay.exitStatus == .usage)
        #expect(inTheWay.message.contains("'\(file.path)' is not a directory"))
        #expect(try contents(parent) == ["file"])
    }

    @Test func missingParentsAreCreated() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("a/b/c/out")
        try ReportDirectory(path: target.path + "/", force: false).write { staging in
            try ReportFiles(directory: staging).write(text: "a\n", as: "a.csv")
        }
        #expect(try contents(target) == ["a.csv"])
        #expect(try contents(target.deletingLastPathComponent()) == ["out"])
    }

    @Test func invalidPathsAreUsageErrors() throws {
        for (path, kind) in [("", OutputPath.Kind.file), ("out/", .file), ("a/..", .directory), ("/", .directory),
                             (String(repeating: "n", count: 256), .file)] {
            let error = try #require(throws: OutputError.self, "\(path)") { try OutputPath(path, kind: kind) }
            #expect(error.kind == .invalidPath && error.exitStatus == .usage, "\(path)")
        }
        #expect(try OutputPath("out.h5", kind: .file).directory == ".")
        #expect(try OutputPath("/out", kind: .directory).path == "/out")
        #expect(try OutputPath("a/b//", kind: .directory).name == "b")
    }
}

/// The same guarantees where the file system lacks renameat2 (EINVAL):
/// link + unlink for files, rename(2) for new directories, two renames under
/// the registry lock for replacing one.
@Suite struct StagingFallbackTests {
    private func contents(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    @Test func aFileIsLinkedIntoPlaceWithoutReplacing() throws {
        try FileSystem.$renameat2IsUnsupported.withValue(true) {
            let parent = try TestPaths.temporaryDirectory("fallback")
            defer { try? FileManager.default.removeItem(at: parent) }
            let target = parent.appendingPathComponent("out.h5")
            let first = try StagedOutput(path: target.path, kind: .file, force: false)
            try Data("first".utf8).write(to: URL(fileURLWithPath: try first.prepare()))
            let second = try StagedOutput(path: target.path, kind: .file, force: false)
            try Data("second".utf8).write(to: URL(fileURLWithPath: try second.prepare()))
            try first.commit()
            let error = try #require(throws: OutputError.self) { try second.commit() }
            #expect(error.kind == .appearedMeanwhile)
            #expect(try String(contentsOf: target, encoding: .utf8) == "first")
            #expect(try contents(parent) == ["out.h5"])
        }
    }

    @Test func aNewReportIsRenamedAndAnExistingOneKept() throws {
        try FileSystem.$renameat2IsUnsupported.withValue(true) {
            let parent = try TestPaths.temporaryDirectory("fallback")
            defer { try? FileManager.default.removeItem(at: parent) }
            let target = parent.appendingPathComponent("report")
            let loser = ReportDirectory(path: target.path, force: false)
            try loser.prepare()
            try ReportDirectory(path: target.path, force: false).write { staging in
                try ReportFiles(directory: staging).write(text: "winner\n", as: "run.json")
            }
            let error = try #require(throws: OutputError.self) {
                try loser.write { staging in try ReportFiles(directory: staging).write(text: "loser\n", as: "run.json") }
            }
            #expect(error.kind == .appearedMeanwhile)
            #expect(try String(contentsOf: target.appendingPathComponent("run.json"), encoding: .utf8) == "winner\n")
            #expect(try contents(parent) == ["report"])
        }
    }

    @Test func forceReplacesAReportInTwoRenames() throws {
        try FileSystem.$renameat2IsUnsupported.withValue(true) {
            let parent = try TestPaths.temporaryDirectory("fallback")
            defer { try? FileManager.default.removeItem(at: parent) }
            let target = parent.appendingPathComponent("report")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
            try Data("old".utf8).write(to: target.appendingPathComponent("old.csv"))
            try Data("{}".utf8).write(to: target.appendingPathComponent("run.json"))
            try ReportDirectory(path: target.path, force: true).write { staging in
                try ReportFiles(directory: staging).write(text: "new\n", as: "new.csv")
            }
            #expect(try contents(target) == ["new.csv"])
            #expect(try contents(parent) == ["report"], "the old report was left aside")
        }
    }
}
