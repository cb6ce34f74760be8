import Foundation
import HDF5IO
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
        // The fixture's pair plus class labels, as the bundled sample has them.
        let fixture = try HDF5File.open(TestPaths.fixture("images_early_fusion.h5").path)
        let writer = try HDF5Writer(creating: data.appendingPathComponent("fashion_early_fusion.h5").path)
        for name in ["/f", "/g"] {
            let array = try fixture.readFeatures(name, as: Float.self)
            try writer.write(name, shape: array.shape, values: array.storage)
        }
        try writer.write("/labels", shape: [300], values: (0..<300).map { Int64($0 * 7 % 10) })
        try writer.finish()
        let run = try ToolRunner.run(["demo", "--epochs", "1", "--permutations", "10", "--bootstrap", "10", "--quiet"],
                                     in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let report = directory.appendingPathComponent("demo-report")
        #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("summary.csv").path))
        #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("summary.tex").path))
        // The comparison: raw, RegBN and OLS side by side, marginally and within class, and the class pairs.
        for needle in ["HSIC (norm.)", "dCor", "  raw  ", "  RegBN  ", "  OLS  ", "  raw − RegBN  ", "  raw − OLS  ",
                       "within strata=notebooks-data/fashion_early_fusion.h5:/labels:", "strata share",
                       "Dependence between f (gray) and confounder (/labels)", "λ over 6 training steps",
                       "Spectrum flags of the g batches:", "Channels of colour:", "Report: ",
                       "python3 notebooks-data/plot_report.py demo-report --html → demo-report/report.html"] {
            #expect(run.stdout.contains(needle), "summary lacks '\(needle)':\n\(run.stdout)")
        }
        #expect(run.stdout.contains("demo-report"))
        let again = try ToolRunner.run(["demo", "--epochs", "1", "--permutations", "10", "--bootstrap", "10", "--quiet"],
                                       in: directory)
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
