import SeededRandom
import Diagnostics
import Foundation
import Linalg
import RegBN

/// Suite "regbn": median milliseconds per training and per inference step of the
/// RegBN module on random data, for both λ solvers, next to the official module's
/// figures measured on this machine (torch 2.15, CPU, 2 threads; issue 3).
enum RegBNBenchmark {
    struct Shape {
        let label: String
        let batch: Int
        let fChannels: Int, fSpatial: [Int]
        let gChannels: Int, gSpatial: [Int]
        let officialTrainMs: Double
        let officialInferenceMs: Double
    }

    static let shapes = [
        Shape(label: "b=50 f[512] g[64,7,7]", batch: 50, fChannels: 512, fSpatial: [], gChannels: 64, gSpatial: [7, 7],
              officialTrainMs: 68, officialInferenceMs: 1.3),
        Shape(label: "b=50 f[1,28,28] g[3,28,28]", batch: 50, fChannels: 1, fSpatial: [28, 28], gChannels: 3,
              gSpatial: [28, 28], officialTrainMs: 57, officialInferenceMs: 1.3),
        Shape(label: "b=256 f[64] g[16]", batch: 256, fChannels: 64, fSpatial: [], gChannels: 16, gSpatial: [],
              officialTrainMs: 20, officialInferenceMs: 1.3),
    ]

    static let warmUpSteps = 3
    static let timedSteps = 30

    static let suite = BenchmarkSuite(name: "regbn") {
        print("Float32 (the official default dtype), normalize_input/output on, random N(0,1) batches; "
              + "\(timedSteps) timed steps after \(warmUpSteps) warm-up steps, median. CPU = process CPU time "
              + "(all threads; idle OpenBLAS workers spin-wait, so it can exceed the wall time).")
        let defaultThreads = BLAS.threadCount
        defer { BLAS.threadCount = defaultThreads }
        var rows: [[String]] = []
        for shape in shapes {
            for solver in LambdaSolver.allCases {
                for threads in Set([1, defaultThreads]).sorted() {
                BLAS.threadCount = threads
                let r = try measure(shape, solver: solver)
                rows.append([shape.label, solver.rawValue, "\(threads)",
                             String(format: "%.2f", r.trainMs), String(format: "%.2f", r.trainCPUms),
                             String(format: "%.0f×", shape.officialTrainMs / r.trainMs),
                             String(format: "%.3f", r.inferenceMs),
                             String(format: "%.1f×", shape.officialInferenceMs / r.inferenceMs),
                             String(format: "%.1f", r.evaluationsPerStep), "\(r.fallbacks)"])
                }
            }
        }
        printTable(header: ["shape", "solver", "BLAS threads", "train ms/step", "train CPU ms/step", "vs torch", "inference ms/step", "vs torch",
                            "objective evals/step", "fallbacks"], rows: rows)
        print("torch figures: 68 / 57 / 20 ms per training step, ≈1.3 ms per inference step (issue 3).")
    }

    struct Result { let trainMs, trainCPUms, inferenceMs, evaluationsPerStep: Double; let fallbacks: Int }

    /// CPU time of the whole process (all threads), in ms: on a shared machine the
    /// wall-clock median also counts time spent waiting for a core.
    static func processCPUms() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
    }

    static func measure(_ shape: Shape, solver: LambdaSolver) throws -> Result {
        let config = RegBNConfiguration(fChannels: shape.fChannels, fSpatialShape: shape.fSpatial,
                                        gChannels: shape.gChannels, gSpatialShape: shape.gSpatial,
                                        normalizeInput: true, normalizeOutput: true, affine: true,
                                        lambdaSolver: solver)
        var module = try RegBNModule<Float>(configuration: config)
        var rng = BenchRandom(seed: 42)
        let batches: [(Matrix<Float>, Matrix<Float>)] = (0..<4).map { _ in
            (rng.matrix(shape.batch, config.fFeatureCount), rng.matrix(shape.batch, config.gFeatureCount))
        }
        let steps = warmUpSteps + timedSteps
        var trainTimes: [Double] = [], cpuTimes: [Double] = []
        var evaluations = 0, fallbacks = 0
        for step in 0..<steps {
            let (f, g) = batches[step % batches.count]
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = processCPUms()
            let result = try module.trainingStep(f: f, g: g, epoch: 0, stepsPerEpoch: steps)
            let cpu = processCPUms() - cpuStart
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            guard step >= warmUpSteps else { continue }
            trainTimes.append(elapsed)
            cpuTimes.append(cpu)
            evaluations += result.search?.evaluations ?? 0
            fallbacks += result.fallback ? 1 : 0
        }
        let (f, g) = batches[0]
        let frozen = module
        let inferenceSeconds = try medianSeconds(repeats: timedSteps) { _ = try frozen.inference(f: f, g: g) }
        trainTimes.sort()
        cpuTimes.sort()
        return Result(trainMs: trainTimes[trainTimes.count / 2], trainCPUms: cpuTimes[cpuTimes.count / 2], inferenceMs: inferenceSeconds * 1e3,
                      evaluationsPerStep: Double(evaluations) / Double(timedSteps), fallbacks: fallbacks)
    }
}

/// Standard-normal batches from a seeded stream: reproducible random data.
struct BenchRandom {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func matrix(_ rows: Int, _ columns: Int) -> Matrix<Float> {
        Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in Float(generator.standardNormal()) })
    }
}
