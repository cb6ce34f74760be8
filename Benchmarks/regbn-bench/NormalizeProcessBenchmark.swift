import Foundation
import HDF5IO
import Linalg
import RegBN

/// Suite "normalize": one epoch of RegBN over N = 40·b float32 samples of each shape,
/// ours against the official PyTorch module in the same run (when `REGBN_OFFICIAL` and
/// python3 with torch are available), both sides on 1 thread and on the thread budget.
///
/// Ours: the whole `regbn-analyze normalize --precision float32` process (start-up,
/// HDF5 in and out, training, inference pass; `OPENBLAS_NUM_THREADS` sets its threads)
/// and, separately, the module's training step in this process on the same batches.
/// Official: its training step and its whole epoch (training then inference) timed
/// inside python — python and torch start-up and the HDF5 read are left out, which
/// favours torch — and the wall time of its process.
enum NormalizeProcessBenchmark {
    static let stepsPerEpoch = 40
    static let repeats = 3

    static let suite = BenchmarkSuite(name: "normalize") {
        let tool = try toolExecutable()
        let budget = BLAS.threadCount
        defer { BLAS.threadCount = budget }
        let official = OfficialRegBN.locate()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regbn-bench-normalize-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        print("One epoch of \(stepsPerEpoch) training steps (file order) then inference over all N = \(stepsPerEpoch)·b "
              + "samples, float32, normalize_input and normalize_output on, official lbfgs search. Each row runs both "
              + "sides on the same thread count (OpenBLAS here, torch.set_num_threads there). Ours: median of "
              + "\(repeats) processes after a warm-up; step = median module step in this process. Official: one run, "
              + "step = median of its steps.")
        if case let .failure(reason) = official { print(reason.description) }
        var rows: [[String]] = []
        var notes: Set<String> = []
        for shape in RegBNShape.all {
            let samples = stepsPerEpoch * shape.batch
            let input = directory.appendingPathComponent("input-\(shape.batch)-\(shape.fChannels).h5").path
            let (f, g) = try writeInput(shape, samples: samples, to: input)
            let output = directory.appendingPathComponent("out.h5").path
            let arguments = ["normalize", "--f", "\(input):/f", "--g", "\(input):/g", "--batch-size", "\(shape.batch)",
                             "--epochs", "1", "--precision", "float32", "--normalize-input", "true",
                             "--out", output, "--force", "--quiet"]
            for threads in Set([1, budget]).sorted() {
                let process = try medianSeconds(repeats: repeats) {
                    try ChildProcess.run(tool.path, arguments, environment: ["OPENBLAS_NUM_THREADS": "\(threads)"])
                }
                BLAS.threadCount = threads
                let step = try moduleStepSeconds(shape, f: f, g: g)
                var row = [shape.label, "\(samples)", "\(threads)", ms(step), String(format: "%.3f", process)]
                if case let .success(path) = official {
                    let (timing, wall) = try OfficialRegBN.run(official: path, input: input, batch: shape.batch,
                                                               epochs: 1, threads: threads)
                    let officialStep = median(timing.stepSeconds)
                    row += [ms(officialStep), String(format: "%.0f×", officialStep / step),
                            String(format: "%.3f", timing.epochSeconds), String(format: "%.3f", wall),
                            String(format: "%.1f×", timing.epochSeconds / process)]
                    notes.insert("official: torch \(timing.torchVersion), RegBN.py sha256 \(timing.sha256) "
                                 + "(\(timing.sha256 == OfficialRegBN.fixtureSHA256 ? "matches" : "differs from") "
                                 + "the fixtures' mogvision/RegBN@38db2fa7)")
                } else {
                    row += ["–", "–", "–", "–", "–"]
                }
                rows.append(row)
            }
        }
        printTable(header: ["shape", "N", "threads", "our step ms", "our process s", "official step ms", "step ratio",
                            "official epoch s (in python)", "official process s", "epoch ratio"], rows: rows)
        notes.sorted().forEach { print($0) }
        print("step ratio = official step / our step; epoch ratio = official epoch inside python (no start-up, "
              + "no HDF5) / our whole process (start-up and HDF5 included). torch's OpenMP threads spin-wait, so on "
              + "a busy machine its 1-thread row can be the faster one.")
    }

    private static func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1e3) }

    /// Median seconds of the module's training step over one epoch of the same batches.
    static func moduleStepSeconds(_ shape: RegBNShape, f: Matrix<Float>, g: Matrix<Float>) throws -> Double {
        var module = try RegBNModule<Float>(configuration: shape.configuration())
        let steps = f.rows / shape.batch
        var times: [Double] = []
        for step in 0..<steps {
            let rows = (step * shape.batch)..<((step + 1) * shape.batch)
            let (fBatch, gBatch) = (f.rows(rows), g.rows(rows))
            times.append(try seconds { _ = try module.trainingStep(f: fBatch, g: gBatch, epoch: 0, stepsPerEpoch: steps) })
        }
        return median(times)
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

    /// Writes /f and /g of `samples` N(0, 1) float32 samples and returns them flattened.
    static func writeInput(_ shape: RegBNShape, samples: Int, to path: String) throws -> (f: Matrix<Float>, g: Matrix<Float>) {
        var random = BenchRandom(seed: 7)
        let writer = try HDF5Writer(creating: path, overwrite: true)
        var matrices: [Matrix<Float>] = []
        for (name, channels, spatial) in [("/f", shape.fChannels, shape.fSpatial), ("/g", shape.gChannels, shape.gSpatial)] {
            let sampleShape = [channels] + spatial
            let values: Matrix<Float> = random.matrix(samples, sampleShape.reduce(1, *))
            try writer.write(name, shape: [samples] + sampleShape, values: values.storage)
            matrices.append(values)
        }
        try writer.finish()
        return (matrices[0], matrices[1])
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
