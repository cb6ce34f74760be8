import Dispatch
import Foundation
import SeededRandom
import Synchronization
import Testing
import TestSupport

/// SIGINT, SIGTERM and SIGHUP at random moments of `normalize` (a file),
/// `dependence` and `audit` (report directories), with and without `--force`
/// over an existing output: after every run the final name holds nothing, the
/// old output whole, or the complete new output — never a partial or empty
/// one, and the old output survives unless the new one replaced it whole —
/// and no staging entry remains. The process dies of the signal it was sent
/// (or exits 0 when the signal came after it finished).
@Suite struct InterruptionEndToEndTests {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    struct Trial: Sendable {
        let scenario: OutputScenario
        let signal: Int32
        let force: Bool
        /// Fraction of the scenario's uninterrupted run time.
        let delay: Double
    }

    /// What one trial saw; the tally makes a vacuous pass visible.
    struct Outcome: Sendable {
        var diedBySignal = false
        var found: OutputScenario.Found = .absent
        var failure: String?
    }

    /// How long a run of each scenario takes now, learnt from the trials: a
    /// run that finished sets it, a run the signal cut short lengthens it by
    /// 15 %. The delays thus keep spanning whole runs however loaded the
    /// machine is (the suites run in parallel), and some runs always finish.
    final class RunTimes: Sendable {
        private let seconds: Mutex<[OutputScenario: Double]>

        init(_ initial: [OutputScenario: Double]) { seconds = Mutex(initial) }

        func current(_ scenario: OutputScenario) -> Double { seconds.withLock { $0[scenario] ?? 1 } }

        func record(_ scenario: OutputScenario, finishedAfter measured: Double?) {
            seconds.withLock { $0[scenario] = measured ?? ($0[scenario] ?? 1) * 1.15 }
        }
    }

    @Test func signalsAtRandomMomentsLeaveTheOutputAbsentOldOrComplete() throws {
        let directory = try TestPaths.temporaryDirectory("interrupt")
        defer { try? FileManager.default.removeItem(at: directory) }
        var references: [OutputScenario: OutputScenario.Reference] = [:]
        var initial: [OutputScenario: Double] = [:]
        for scenario in OutputScenario.allCases {
            let start = DispatchTime.now()
            references[scenario] = try scenario.reference(in: directory)
            initial[scenario] = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        }
        // 16 trials for each of the 3 scenarios × with/without --force: 96 runs,
        // signals rotating, delays uniform over [0, 1.2 × the run time].
        var random = SplitMix64(seed: 20_231_209)
        var trials: [Trial] = []
        for index in 0..<96 {
            trials.append(Trial(scenario: OutputScenario.allCases[index % 3], signal: Self.signals[(index / 3) % 3],
                                force: (index / 9) % 2 == 1, delay: 1.2 * random.unitInterval()))
        }
        let outcomes = Mutex([Outcome](repeating: Outcome(), count: trials.count))
        let runTimes = RunTimes(initial)
        let (allTrials, allReferences) = (trials, references)
        let lanes = 3
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: allTrials.count, by: lanes) {
                let trial = allTrials[index]
                guard let reference = allReferences[trial.scenario] else { continue }
                let outcome = Self.run(trial, index: index, reference: reference, runTimes: runTimes, in: directory)
                outcomes.withLock { $0[index] = outcome }
            }
        }
        let results = outcomes.withLock { $0 }
        for (trial, outcome) in zip(trials, results) {
            #expect(outcome.failure == nil, "\(trial): \(outcome.failure ?? "")")
        }
        let interrupted = results.filter(\.diedBySignal).count
        let replaced = zip(trials, results).filter { $0.0.force && $0.1.found == .complete }.count
        let kept = zip(trials, results).filter { $0.0.force && $0.1.found == .old }.count
        let tally = "\(trials.count) runs: \(interrupted) died by the signal, \(trials.count - interrupted) finished "
            + "first; with --force \(kept) kept the old output, \(replaced) replaced it"
        // The signals must really have landed mid-run, and the --force runs
        // must have seen both sides of the commit, or the test proved little.
        #expect(interrupted >= trials.count / 3, "\(tally)")
        #expect(kept > 0 && replaced > 0, "\(tally)")
    }

    /// One run in its own directory; every check's failure is returned, not
    /// thrown, so that all trials run.
    static func run(_ trial: Trial, index: Int, reference: OutputScenario.Reference, runTimes: RunTimes,
                    in parent: URL) -> Outcome {
        var outcome = Outcome()
        do {
            let directory = parent.appendingPathComponent("trial-\(index)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
            let out = directory.appendingPathComponent(trial.scenario.writesFile ? "out.h5" : "report").path
            if trial.force { try OldOutput.create(at: out, file: trial.scenario.writesFile) }
            let stderr = parent.appendingPathComponent("trial-\(index).stderr")
            let start = DispatchTime.now()
            let tool = try SpawnedTool(trial.scenario.arguments(out: out) + (trial.force ? ["--force"] : []),
                                       stderr: stderr, environment: ["OPENBLAS_NUM_THREADS": "1"])
            Thread.sleep(forTimeInterval: trial.delay * runTimes.current(trial.scenario))
            tool.send(trial.signal)
            let ending = tool.wait()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            runTimes.record(trial.scenario, finishedAfter: ending == .exited(0) ? seconds : nil)
            outcome.diedBySignal = ending == .signaled(trial.signal)
            guard outcome.diedBySignal || ending == .exited(0) else {
                outcome.failure = "ended by \(ending): \(tool.stderr)"
                return outcome
            }
            outcome.found = try trial.scenario.inspect(out, reference: reference)
            let leftovers = try stagingEntries(in: directory)
            if trial.force && outcome.found == .absent {
                outcome.failure = "the old output is gone and no new one replaced it"
            } else if !outcome.diedBySignal && outcome.found != .complete {
                outcome.failure = "exit 0 without a complete output"
            } else if !leftovers.isEmpty {
                outcome.failure = "staging entries left: \(leftovers)"
            }
        } catch {
            outcome.failure = "\(error)"
        }
        return outcome
    }

    /// The message says what became of the output.
    @Test func theInterruptedRunSaysItsOutputWasNotWritten() throws {
        let directory = try TestPaths.temporaryDirectory("interrupt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out.h5").path
        let tool = try SpawnedTool(OutputScenario.normalize.arguments(out: out, long: true),
                                   stderr: directory.appendingPathComponent("stderr"))
        try Self.waitForStaging(in: directory, of: tool)
        tool.send(SIGHUP)
        #expect(tool.wait() == .signaled(SIGHUP))
        #expect(tool.stderr.contains("Interrupted (SIGHUP); not written: --out \(out)"), "\(tool.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["stderr"])
    }

    /// Under `nohup` (SIGHUP ignored from the start), a closed terminal does
    /// not stop the run: the tool keeps the signal ignored.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nohup")))
    func nohupKeepsSIGHUPIgnored() throws {
        let directory = try TestPaths.temporaryDirectory("interrupt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out.h5").path
        let tool = try SpawnedTool(OutputScenario.normalize.arguments(out: out),
                                   stderr: directory.appendingPathComponent("stderr"), through: ["/usr/bin/nohup"])
        try Self.waitForStaging(in: directory, of: tool)
        tool.send(SIGHUP)
        #expect(tool.wait() == .exited(0), "\(tool.stderr)")
        let reference = try OutputScenario.normalize.reference(in: directory)
        #expect(try OutputScenario.normalize.inspect(out, reference: reference) == .complete)
    }

    /// Waits until `tool` has created its staging entry in `directory`.
    static func waitForStaging(in directory: URL, of tool: SpawnedTool) throws {
        for _ in 0..<3000 where tool.poll() == nil {
            if try !stagingEntries(in: directory).isEmpty { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw OutputScenario.Incomplete(description: "no staging entry appeared (\(tool.poll().map { "\($0)" } ?? "running"))")
    }
}
