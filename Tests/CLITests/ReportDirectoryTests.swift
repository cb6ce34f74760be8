import Foundation
import Testing
import TestSupport
@testable import regbn_analyze

@Suite struct ReportDirectoryTests {
    struct Boom: Error {}

    private func contents(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    @Test func writesThenRenamesIntoPlace() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        try ReportDirectory(path: target.path, force: false).write { staging in
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
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("old".utf8).write(to: target.appendingPathComponent("old.csv"))
        var ran = false
        #expect(throws: ReportDirectoryError.self) {
            try ReportDirectory(path: target.path, force: false).write { _ in ran = true }
        }
        #expect(!ran, "work started although the target could not be written")
        #expect(try contents(target) == ["old.csv"])
        #expect(try contents(parent) == ["out"])
    }

    @Test func forceReplacesTheWholeDirectory() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("old".utf8).write(to: target.appendingPathComponent("old.csv"))
        try ReportDirectory(path: target.path, force: true).write { staging in
            #expect(try contents(target) == ["old.csv"], "old report removed before the new one was ready")
            try ReportFiles(directory: staging).write(text: "new\n", as: "new.csv")
        }
        #expect(try contents(target) == ["new.csv"])
        #expect(try contents(parent) == ["out"])
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
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("old".utf8).write(to: target.appendingPathComponent("old.csv"))
        #expect(throws: Boom.self) {
            try ReportDirectory(path: target.path, force: true).write { _ in throw Boom() }
        }
        #expect(try contents(parent) == ["out"])
        #expect(try contents(target) == ["old.csv"])
    }

    @Test func regularFileAndMissingParentAreRefused() throws {
        let parent = try TestPaths.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: parent) }
        let file = parent.appendingPathComponent("file")
        try Data().write(to: file)
        #expect(throws: ReportDirectoryError.self) { try ReportDirectory(path: file.path, force: true).checkWritable() }
        let orphan = parent.appendingPathComponent("no/such/out")
        #expect(throws: ReportDirectoryError.self) { try ReportDirectory(path: orphan.path, force: false).checkWritable() }
    }
}
