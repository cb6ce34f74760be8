import Foundation
import Testing

/// The binary's own behaviour for help, version and usage errors.
@Suite struct EndToEndBasicsTests {
    @Test func helpGoesToStdoutWithExitZero() throws {
        for arguments in [["--help"], ["-h"], ["help"]] {
            let run = try ToolRunner.run(arguments)
            #expect(run.status == 0)
            #expect(run.stdout.hasPrefix("OVERVIEW: "))
            #expect(run.stdout.contains("SUBCOMMANDS:"))
            #expect(run.stderr.isEmpty)
        }
        let sub = try ToolRunner.run(["help", "inspect"])
        #expect(sub.status == 0 && sub.stdout.contains("USAGE: regbn-analyze inspect <file> [--json]"))
        #expect(try ToolRunner.run(["inspect", "--help"]).stdout == sub.stdout)
    }

    @Test func versionPrintsTheToolVersion() throws {
        let run = try ToolRunner.run(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("regbn-analyze "))
        #expect(run.stdout.split(separator: " ").count == 2)
    }

    @Test func usageErrorsExitTwoOnStderr() throws {
        let unknown = try ToolRunner.run(["inspect", "x.h5", "--jsn"])
        #expect(unknown.status == 2)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr == """
            Error: Unknown option '--jsn'. Did you mean '--json'?
            Usage: regbn-analyze inspect <file> [--json]
              See 'regbn-analyze inspect --help' for more information.

            """)
        let missing = try ToolRunner.run([])
        #expect(missing.status == 2 && missing.stderr.hasPrefix("Error: Missing subcommand"))
        let badValue = try ToolRunner.run(["spectrum", "--x", "a.h5:/g", "--batch-size", "-3", "--out", "r"])
        #expect(badValue.status == 2 && badValue.stderr.contains("'--batch-size <b>'"))
    }
}
