import Foundation
import Testing
import TestSupport

/// `demo` finds its sample relative to the current directory. The tests run it
/// on a small stand-in (a fixture with the same /f, /g layout) so that they
/// stay fast in debug builds; the real sample runs in scripts/demo.
@Suite struct DemoEndToEndTests {
    @Test func demoAuditsTheSampleAndSummarises() throws {
        let directory = try TestPaths.temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("notebooks-data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: false)
        try FileManager.default.copyItem(at: TestPaths.fixture("images_early_fusion.h5"),
                                        to: data.appendingPathComponent("fashion_early_fusion.h5"))
        let run = try ToolRunner.run(["demo", "--epochs", "1", "--permutations", "10", "--quiet"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let report = directory.appendingPathComponent("demo-report")
        #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("summary.csv").path))
        #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("summary.tex").path))
        for needle in ["HSIC (normalised)", "distance correlation", "λ over 6 training steps",
                       "Spectrum flags of the g batches:", "Channels of g:", "Report: "] {
            #expect(run.stdout.contains(needle), "summary lacks '\(needle)':\n\(run.stdout)")
        }
        #expect(run.stdout.contains("demo-report"))
        let again = try ToolRunner.run(["demo", "--epochs", "1", "--permutations", "10", "--quiet"], in: directory)
        #expect(again.status == 2 && again.stderr.contains("--force"))
    }

    @Test func missingSampleSaysWhereToRunFrom() throws {
        let directory = try TestPaths.temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ToolRunner.run(["demo"], in: directory)
        #expect(run.status == 3)
        #expect(run.stderr.contains("notebooks-data/fashion_early_fusion.h5"))
        #expect(run.stderr.contains("repository root"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
