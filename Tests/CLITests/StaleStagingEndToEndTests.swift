import Foundation
import Testing
import TestSupport

/// A run killed by SIGKILL (or power loss) cannot clean up: its staging entry
/// stays beside the output. The next run writing into that directory removes
/// it and says so; it never touches the staging entry of a run still alive.
@Suite struct StaleStagingEndToEndTests {
    /// Kills a long run of `scenario` writing `out` once its staging entry
    /// exists; returns the entry's name and the dead run's PID.
    private func killedRun(_ scenario: OutputScenario, out: String, in directory: URL) throws -> (String, pid_t) {
        let tool = try SpawnedTool(scenario.arguments(out: out, long: true),
                                   stderr: directory.appendingPathComponent("killed.stderr"))
        try InterruptionEndToEndTests.waitForStaging(in: directory, of: tool)
        tool.send(SIGKILL)
        #expect(tool.wait() == .signaled(SIGKILL))
        let stale = try stagingEntries(in: directory)
        try #require(stale.count == 1, "\(stale)")
        #expect(stale[0].contains(".regbn-staging-\(tool.pid)-"))
        return (stale[0], tool.pid)
    }

    @Test(arguments: [(OutputScenario.normalize, "file"), (.audit, "directory")])
    func theNextRunRemovesWhatAKilledRunLeft(_ scenario: OutputScenario, kind: String) throws {
        let directory = try TestPaths.temporaryDirectory("stale")
        defer { try? FileManager.default.removeItem(at: directory) }
        let killedOut = directory.appendingPathComponent(scenario.writesFile ? "killed.h5" : "killed").path
        let (stale, pid) = try killedRun(scenario, out: killedOut, in: directory)

        // Another output in the same directory, by another command.
        let next = try ToolRunner.run(OutputScenario.dependence.arguments(out: directory.appendingPathComponent("next").path))
        #expect(next.status == 0, "\(next.stderr)")
        let path = directory.appendingPathComponent(stale).path
        #expect(next.stderr.contains("Removed stale staging \(kind) '\(path)' left by process \(pid) that no longer runs"),
                "\(next.stderr)")
        #expect(try stagingEntries(in: directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: killedOut))
    }

    @Test func aLiveRunsStagingEntryIsLeftAlone() throws {
        let directory = try TestPaths.temporaryDirectory("stale")
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = try SpawnedTool(OutputScenario.normalize.arguments(out: directory.appendingPathComponent("a.h5").path,
                                                                      long: true),
                                   stderr: directory.appendingPathComponent("live.stderr"))
        try InterruptionEndToEndTests.waitForStaging(in: directory, of: live)
        let liveEntries = try stagingEntries(in: directory)
        // An unlocked entry whose PID runs (PID 1 always does) is left alone too.
        let foreign = ".other.h5.regbn-staging-1-0123456789abcdef"
        try Data().write(to: directory.appendingPathComponent(foreign))

        let other = try ToolRunner.run(OutputScenario.normalize.arguments(out: directory.appendingPathComponent("b.h5").path))
        #expect(other.status == 0, "\(other.stderr)")
        #expect(!other.stderr.contains("Removed stale"), "\(other.stderr)")
        #expect(try stagingEntries(in: directory).sorted() == (liveEntries + [foreign]).sorted())
        #expect(live.poll() == nil, "the long run ended early")

        live.send(SIGTERM)
        #expect(live.wait() == .signaled(SIGTERM))
        #expect(try stagingEntries(in: directory) == [foreign])
    }
}
