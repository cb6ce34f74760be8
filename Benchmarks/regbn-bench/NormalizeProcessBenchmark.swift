import Foundation
import HDF5IO

/// Suite "normalize": the whole `regbn-analyze normalize` process (start-up,
/// HDF5 in and out, training emulation, inference pass) on float32 HDF5
/// inputs of the issue's three shapes, per training step, against the
/// official module's per-step time. The torch figure leaves out Python and
/// torch start-up and any HDF5 I/O, so the comparison favours torch.
enum NormalizeProcessBenchmark {
    /// Steps per epoch; runs of 1 and 10 epochs show the fixed cost
    /// (start-up, I/O, inference pass) and how it amortises.
    static let stepsPerEpoch = 20
    static let epochCounts = [1, 10]
    static let repeats = 3

    static let suite = BenchmarkSuite(name: "normalize") {
        let tool = try toolExecutable()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("regbn-bench-normalize-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        print("`regbn-analyze normalize --precision float32` as a child process: N = \(stepsPerEpoch)·b samples, "
              + "E epochs of training then inference over all N; median of \(repeats) runs after one warm-up. "
              + "torch per run = training steps × its ms per step + inference batches × its ms per batch "
              + "(its start-up and HDF5 I/O not counted).")
        var rows: [[String]] = []
        for shape in RegBNBenchmark.shapes {
            let samples = stepsPerEpoch * shape.batch
            let input = directory.appendingPathComponent("input.h5").path
            try writeInput(shape, samples: samples, to: input)
            for epochs in epochCounts {
            let trainingSteps = epochs * stepsPerEpoch
            let torchSeconds = (Double(trainingSteps) * shape.officialTrainMs
                                + Double(stepsPerEpoch) * shape.officialInferenceMs) / 1e3
            for solver in ["lbfgs", "root"] {
                let output = directory.appendingPathComponent("out.h5").path
                let arguments = ["normalize", "--f", "\(input):/f", "--g", "\(input):/g",
                                 "--batch-size", "\(shape.batch)", "--epochs", "\(epochs)",
                                 "--precision", "float32", "--lambda-solver", solver,
                                 "--out", output, "--force", "--quiet"]
                let seconds = try medianSeconds(repeats: repeats) { try runTool(tool, arguments) }
                rows.append([shape.label, solver, "\(samples)", "\(trainingSteps)", String(format: "%.3f", seconds),
                             String(format: "%.2f", seconds * 1e3 / Double(trainingSteps)),
                             String(format: "%.2f", torchSeconds), String(format: "%.1f×", torchSeconds / seconds)])
            }
            }
        }
        printTable(header: ["shape", "solver", "N", "training steps", "process s", "process ms per training step",
                            "torch s (no start-up)", "vs torch"], rows: rows)
    }

    /// `regbn-analyze` built next to this benchmark (same configuration).
    static func toolExecutable() throws -> URL {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let tool = here.deletingLastPathComponent().appendingPathComponent("regbn-analyze")
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw BenchmarkError("no regbn-analyze next to \(here.path): build both first with `swift build -c release`")
        }
        return tool
    }

    static func writeInput(_ shape: RegBNBenchmark.Shape, samples: Int, to path: String) throws {
        var random = BenchRandom(seed: 7)
        let writer = try HDF5Writer(creating: path, overwrite: true)
        for (name, channels, spatial) in [("/f", shape.fChannels, shape.fSpatial),
                                          ("/g", shape.gChannels, shape.gSpatial)] {
            let sampleShape = [channels] + spatial
            let values = random.matrix(samples, sampleShape.reduce(1, *)).storage
            try writer.write(name, shape: [samples] + sampleShape, values: values)
        }
        try writer.finish()
    }

    /// Runs the tool and waits for it with posix_spawn/waitpid: Foundation's
    /// `Process.waitUntilExit` polls on Linux and would add tens of ms to a run.
    static func runTool(_ tool: URL, _ arguments: [String]) throws {
        let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("regbn-bench-\(getpid()).stderr")
        defer { try? FileManager.default.removeItem(at: errorLog) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, errorLog.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([tool.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, tool.path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw BenchmarkError("cannot start \(tool.path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            let message = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            throw BenchmarkError("regbn-analyze \(arguments.joined(separator: " ")) failed (wait status \(status)): \(message)")
        }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
