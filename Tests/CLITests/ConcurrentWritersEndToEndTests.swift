import Foundation
import HDF5IO
import Testing
import TestSupport

/// Two runs started together on the same `--out` without `--force`: exactly
/// one wins (exit 0), the other exits 2 saying the output exists or appeared
/// meanwhile, and the output is the winner's, complete.
@Suite struct ConcurrentWritersEndToEndTests {
    @Test(arguments: [(OutputScenario.normalize, 20), (.dependence, 10)])
    func exactlyOneOfTwoWritersWins(_ scenario: OutputScenario, trials: Int) throws {
        let directory = try TestPaths.temporaryDirectory("race")
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try scenario.reference(in: directory)
        var lostMidRun = 0
        for trial in 0..<trials {
            let trialDirectory = directory.appendingPathComponent("trial-\(trial)")
            try FileManager.default.createDirectory(at: trialDirectory, withIntermediateDirectories: false)
            let out = trialDirectory.appendingPathComponent(scenario.writesFile ? "out.h5" : "report").path
            // Variants 1 and 2 differ in their arguments, which each output records.
            let writers = try (1...2).map { variant in
                try SpawnedTool(scenario.arguments(out: out, variant: variant),
                                stderr: directory.appendingPathComponent("trial-\(trial)-\(variant).stderr"),
                                environment: ["OPENBLAS_NUM_THREADS": "1"])
            }
            let endings = writers.map { $0.wait() }
            let winners = endings.indices.filter { endings[$0] == .exited(0) }
            try #require(winners.count == 1, "trial \(trial): \(endings), \(writers.map(\.stderr))")
            let winner = winners[0], loser = 1 - winners[0]
            #expect(endings[loser] == .exited(2))
            let message = writers[loser].stderr
            #expect(message.contains("--out \(out)") && message.contains("--force"), "\(message)")
            if message.contains("appeared meanwhile") { lostMidRun += 1 } else {
                #expect(message.contains("already exists"), "\(message)")
            }
            #expect(try scenario.inspect(out, reference: reference) == .complete)
            #expect(try recordedVariant(of: out, scenario: scenario) == winner + 1, "trial \(trial)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: trialDirectory.path)
                        == [URL(fileURLWithPath: out).lastPathComponent])
        }
        // Started together with the same work, most pairs race to the commit;
        // if none did, the no-replace rename was not exercised.
        #expect(lostMidRun > 0)
    }

    /// The variant (`--shuffle` or `--seed` value) the output was written with.
    private func recordedVariant(of out: String, scenario: OutputScenario) throws -> Int? {
        let arguments: [String]
        if scenario.writesFile {
            guard case .string(let config) = try HDF5File.open(out).attribute("config"),
                  let object = try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any] else {
                return nil
            }
            arguments = object["arguments"] as? [String] ?? []
        } else {
            let data = try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("run.json"))
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            arguments = object?["arguments"] as? [String] ?? []
        }
        let option = scenario.writesFile ? "--shuffle" : "--seed"
        guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else { return nil }
        return Int(arguments[index + 1])
    }
}
