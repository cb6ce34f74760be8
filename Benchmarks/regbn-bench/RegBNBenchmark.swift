import Foundation
import Linalg
import RegBN

/// Suite "regbn": one RegBN training step next to its floor on this machine
/// (`StepFloor`), per shape and precision, measured in interleaved rounds so that
/// load from other processes hits the step and its floor alike; plus the
/// inference step.
enum RegBNBenchmark {
    static let rounds = 9
    static let stepsPerRound = 8
    static let warmUpSteps = 3

    static let suite = BenchmarkSuite(name: "regbn") {
        let budget = BLAS.threadCount
        defer { BLAS.threadCount = budget }
        print("OpenBLAS core \(BLAS.coreName). threads = the budget of both the floor (OpenBLAS threads for the GEMM "
              + "rate, one thread per part of W for the passes) and the step (worker threads for W's column shards; "
              + "OpenBLAS on one thread inside the step); official lbfgs solver, normalize_input/output on, N(0,1) "
              + "batches. \(rounds) interleaved rounds of \(stepsPerRound) steps and one measurement of each floor part.")
        var rows: [[String]] = []
        for threads in Set([1, budget]).sorted() {
            for shape in RegBNShape.all {
                rows.append(try measure(shape, Float.self, threads: threads))
                rows.append(try measure(shape, Double.self, threads: threads))
            }
        }
        printTable(header: ["shape", "dtype", "threads", "GEMM GFLOP/s", "GEMM ms", "SVD ms", "W MB", "W GB/s", "W passes ms",
                            "floor ms", "step ms", "step / floor", "median step / floor", "step CPU ms", "inference ms"],
                   rows: rows)
        print("floor = (2·Q·k·P + 2·b·Q·P) flops at the rate of a \(StepFloor<Float>.squareSize)² GEMM + thin SVD "
              + "of the b × Q batch (the faster of 1 and `threads` OpenBLAS threads) + a read and a read-write "
              + "pass over a Q × P array (W GB/s = bytes of W / read-pass time). Times are the fastest of the "
              + "interleaved repetitions (the floor: the sum of each part's fastest); median step / floor compares "
              + "medians instead. step CPU = median process CPU time per step, all threads; inference = median.")
    }

    static func measure<T: LinalgScalar>(_ shape: RegBNShape, _: T.Type, threads: Int) throws -> [String] {
        let configuration = shape.configuration()
        let q = configuration.gFeatureCount, p = configuration.fFeatureCount
        var module = try RegBNModule<T>(configuration: configuration)
        var random = BenchRandom(seed: 42)
        let batches: [(f: Matrix<T>, g: Matrix<T>)] = (0..<4).map { _ in
            (random.matrix(shape.batch, p), random.matrix(shape.batch, q))
        }
        var floor = StepFloor<T>(batch: shape.batch, q: q, p: p, threads: threads)
        var gemm: [Double] = [], svd: [Double] = [], passes: [Double] = [], read: [Double] = []
        var steps: [Double] = [], cpu: [Double] = []
        var index = 0
        func step() throws {
            let (f, g) = batches[index % batches.count]
            index += 1
            _ = try module.trainingStep(f: f, g: g, epoch: 0, stepsPerEpoch: 1000)
        }
        for _ in 0..<warmUpSteps { try step() }
        _ = floor.wPassSeconds()
        for _ in 0..<rounds {
            gemm.append(floor.squareGEMMSeconds())
            svd.append(floor.svdSeconds())
            let pass = floor.wPassSeconds()
            passes.append(pass.read + pass.readWrite)
            read.append(pass.read)
            BLAS.threadCount = threads
            // OpenBLAS's workers spin for ≈0.1 s after a multi-threaded call (THREAD_TIMEOUT);
            // the step runs OpenBLAS on one thread and must not share a core with them.
            usleep(150_000)
            for _ in 0..<stepsPerRound {
                let cpuStart = processCPUSeconds()
                steps.append(try seconds(step))
                cpu.append(processCPUSeconds() - cpuStart)
            }
        }
        BLAS.threadCount = threads
        let frozen = module
        let (f, g) = batches[0]
        let inference = try medianSeconds(repeats: stepsPerRound) { _ = try frozen.inference(f: f, g: g) }

        // On a shared machine the fastest of interleaved repetitions estimates the time
        // without contention; the floor adds the fastest of each part, which can only
        // make it lower (and the ratio higher) than the fastest of whole floors.
        func floorSeconds(_ statistic: ([Double]) -> Double) -> (rate: Double, gemm: Double, total: Double) {
            let rate = floor.squareGEMMFlops / statistic(gemm)
            let gemmSeconds = floor.gemmFlops / rate
            return (rate, gemmSeconds, gemmSeconds + statistic(svd) + statistic(passes))
        }
        let fastest = floorSeconds { $0.min() ?? .nan }, typical = floorSeconds(median)
        let step = steps.min() ?? .nan
        func ms(_ s: Double) -> String { String(format: "%.3f", s * 1e3) }
        return [shape.label, "\(T.self)", "\(threads)", String(format: "%.0f", fastest.rate / 1e9), ms(fastest.gemm),
                ms(svd.min() ?? .nan), String(format: "%.1f", floor.wBytes / 1e6),
                String(format: "%.0f", floor.wBytes / (read.min() ?? .nan) / 1e9), ms(passes.min() ?? .nan),
                ms(fastest.total), ms(step), String(format: "%.2f", step / fastest.total),
                String(format: "%.2f", median(steps) / typical.total), ms(median(cpu)), ms(inference)]
    }
}
