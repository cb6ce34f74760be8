import Foundation
import Testing
import TestSupport
@testable import regbn_analyze

/// `--help` of the tool and of every subcommand, compared with the committed
/// files in `Golden/` (help.txt, help-<subcommand>.txt). A change of an
/// option's declaration shows up here as a diff a reviewer can read.
///
/// After an intended change, regenerate them and review the diff:
///
///     REGBN_UPDATE_GOLDEN=1 swift test --filter HelpGoldenTests
@Suite struct HelpGoldenTests {
    static let directory = TestPaths.testsDirectory.appendingPathComponent("CLITests/Golden")
    static var updating: Bool { ProcessInfo.processInfo.environment["REGBN_UPDATE_GOLDEN"] == "1" }

    /// nil is the tool's own help.
    static let pages: [Subcommand?] = [nil] + Subcommand.allCases.map(Optional.some)

    static func file(for sub: Subcommand?) -> URL {
        directory.appendingPathComponent(sub.map { "help-\($0.rawValue).txt" } ?? "help.txt")
    }

    @Test(arguments: pages)
    func helpMatchesTheGoldenFile(_ sub: Subcommand?) throws {
        let text = HelpText.help(for: sub)
        let file = Self.file(for: sub)
        if Self.updating {
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(text == golden, "help differs from \(file.lastPathComponent); see HelpGoldenTests to regenerate")
    }

    /// The binary prints exactly that text, whichever way help is asked for.
    @Test(arguments: pages)
    func binaryPrintsTheGoldenHelp(_ sub: Subcommand?) throws {
        let golden = try String(contentsOf: Self.file(for: sub), encoding: .utf8)
        let requests: [[String]] = sub.map { [[$0.rawValue, "--help"], ["help", $0.rawValue], [$0.rawValue, "-h"]] }
            ?? [["--help"], ["-h"], ["help"]]
        for arguments in requests {
            let run = try ToolRunner.run(arguments)
            #expect(run.status == 0 && run.stderr.isEmpty, "\(arguments)")
            #expect(run.stdout == golden, "\(arguments)")
        }
    }

    @Test func everyGoldenFileBelongsToAPage() throws {
        let expected = Set(Self.pages.map { Self.file(for: $0).lastPathComponent })
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: Self.directory.path))
            .filter { $0.hasSuffix(".txt") }
        #expect(present == expected)
    }
}
