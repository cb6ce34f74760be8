import Cluster
import Foundation
import Linalg
import RegBN

/// Suite "scaleout" (issue 12, "Speed"): a RegBN training step of f and g of
/// [64, 28, 28] (b = 50, float32; W is 50176 × 50176, 10 GB) over 1, 2 and 4 ranks,
/// each configuration in a process of its own (`ScaleoutRank`) so that its peak
/// memory is its own, skipped when the machine's available memory cannot hold it;
/// then what a 16-node run of a [64, 56, 56] pair would need per node, extrapolated
/// from the measured per-element cost of a rank's step.
///
/// `SCALEOUT_CHANNELS` / `SCALEOUT_SIDE` shrink the layer for a quick try.
enum ScaleoutBenchmark {
    static let steps = 3

    static let suite = BenchmarkSuite(name: "scaleout") { try run() }

    private struct Measurement {
        let mode: String
        let ranks: Int
        /// key=value fields of the reporting rank(s).
        let fields: [[String: Double]]

        func value(_ key: String) -> Double { fields.first?[key] ?? .nan }
        func largest(_ key: String) -> Double { fields.compactMap { $0[key] }.max() ?? .nan }
    }

    static func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let channels = environment["SCALEOUT_CHANNELS"].flatMap(Int.init) ?? 64
        let side = environment["SCALEOUT_SIDE"].flatMap(Int.init) ?? 28
        let problem = RegBNConfiguration(fChannels: channels, fSpatialShape: [side, side], gChannels: channels,
                                         gSpatialShape: [side, side], normalizeInput: true)
        let model = RegBNMemoryModel(configuration: problem, batchSize: ScaleoutProblem.batchSize, elementBytes: 4)
        let q = problem.gFeatureCount
        print("f and g of [\(channels), \(side), \(side)]: W is \(q) × \(q) float32 "
              + "(\(gigabytes(model.bytesPerRank(ranks: 1) ?? 0)) GB per rank with 1 rank, model); b = 50, N(0, 1) "
              + "batches, official λ search, normalize_input/output on; median of \(steps) steps after one warm-up "
              + "step. OpenBLAS \(BLAS.coreName), \(BLAS.threadCount) threads on this machine.")
        var plan: [(String, Int)] = [("local", 1), ("local", 2), ("share", 2), ("local", 4), ("share", 4)]
        if mpiAvailable { plan += [("mpi", 2), ("mpi", 4)] }
        var measured: [Measurement] = []
        var rows: [[String]] = []
        for (mode, ranks) in plan {
            let processes = mode == "mpi" ? ranks : 1
            let perProcess = (model.bytesPerRank(ranks: ranks) ?? .max) / 1 * (mode == "local" ? ranks : 1)
            let available = availableMemory()
            let modelMiB = Double(model.bytesPerRank(ranks: ranks) ?? 0) / 1048576
            guard Double(perProcess) * Double(processes) < 0.85 * Double(available) else {
                rows.append([mode, "\(ranks)", "–", "skipped: needs \(gigabytes(perProcess * processes)) GB, "
                             + "\(gigabytes(available)) GB available", "–", "–", "–", "–", String(format: "%.0f", modelMiB)])
                continue
            }
            let m = try measure(mode: mode, ranks: ranks, channels: channels, side: side)
            measured.append(m)
            let step = m.value("step_s"), collective = m.value("collective_s")
            let perRankMiB = mode == "local" ? m.value("rss_mib") / Double(ranks) : m.largest("rss_mib")
            rows.append([mode, "\(ranks)", String(format: "%.0f", m.value("columns")), String(format: "%.3f", step),
                         String(format: "%.3f", m.value("fastest_s")), String(format: "%.4f", collective),
                         String(format: "%.1f %%", 100 * collective / step), String(format: "%.0f", perRankMiB),
                         String(format: "%.0f", modelMiB)])
        }
        printTable(header: ["mode", "ranks", "f columns per rank", "step s", "fastest step s", "collectives s",
                            "collective share", "per-rank peak MiB", "model MiB per rank"], rows: rows)
        print("local: the ranks are threads of one process sharing this machine's cores (thread budget split "
              + "between them); per-rank peak = process peak / ranks. share: rank 0's share of a k-rank run alone "
              + "with all cores (what a rank computes on a node of its own; its collectives return at once). mpi: "
              + "mpirun ranks on this machine (oversubscribed beyond its cores), per-rank peak = the largest rank's. "
              + "collectives = time inside allreduce/broadcast/allgather per step on rank 0, waiting for the other "
              + "ranks included.")
        try extrapolate(measured, model: model, channels: channels, side: side)
    }

    /// Runs one configuration in a child process and parses its key=value lines.
    private static func measure(mode: String, ranks: Int, channels: Int, side: Int) throws -> Measurement {
        let arguments = ["scaleout-child", mode, "\(ranks)", "\(steps)", "\(channels)", "\(side)"]
        let output = mode == "mpi"
            ? try ChildProcess.run(mpirun, ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", executable] + arguments)
            : try ChildProcess.run(executable, arguments)
        let fields = output.split(separator: "\n").filter { $0.contains("step_s=") }.map { line in
            Dictionary(line.split(separator: " ").compactMap { field -> (String, Double)? in
                let parts = field.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = Double(parts[1]) else { return nil }
                return (String(parts[0]), value)
            }, uniquingKeysWith: { $1 })
        }
        guard !fields.isEmpty else { throw BenchmarkError("scale-out child \(arguments) printed no result: \(output)") }
        return Measurement(mode: mode, ranks: ranks, fields: fields)
    }

    /// Step time t(k) = a + c·Q·Pₖ over the rank shares measured (Pₖ the widest rank's
    /// columns), then a [64, 56, 56] pair over 16 ranks from the same a (scaled by Q)
    /// and c, and its memory per rank from `RegBNMemoryModel`.
    private static func extrapolate(_ measured: [Measurement], model: RegBNMemoryModel, channels: Int,
                                    side: Int) throws {
        let q = Double(model.configuration.gFeatureCount)
        let points = measured.filter { $0.mode == "share" || ($0.mode == "local" && $0.ranks == 1) }
            .map { (x: q * $0.value("columns"), y: $0.value("step_s")) }
        guard points.count >= 2 else {
            print("Too few configurations fitted in memory to extrapolate.")
            return
        }
        let meanX = points.map(\.x).reduce(0, +) / Double(points.count)
        let meanY = points.map(\.y).reduce(0, +) / Double(points.count)
        let c = points.map { ($0.x - meanX) * ($0.y - meanY) }.reduce(0, +)
            / points.map { ($0.x - meanX) * ($0.x - meanX) }.reduce(0, +)
        let a = meanY - c * meanX
        print(String(format: "\nPer-rank step time t = a + c·Q·P_rank from %d points: a = %.3f s (g's SVD, λ search, "
                     + "normalisations: not split), c = %.3g s per W element (%.2f ns): W_hat's GEMM twice and the "
                     + "gap and blend passes over the rank's W.", points.count, a, c, c * 1e9))
        let large = RegBNConfiguration(fChannels: 64, fSpatialShape: [56, 56], gChannels: 64, gSpatialShape: [56, 56],
                                       normalizeInput: true)
        let largeModel = RegBNMemoryModel(configuration: large, batchSize: ScaleoutProblem.batchSize, elementBytes: 4)
        let largeQ = large.gFeatureCount, ranks = 16
        let width = Double(largeQ / ranks)
        let fixed = a * Double(largeQ) / q
        let svd = try largeSVDSeconds(q: largeQ)
        let step = fixed + c * Double(largeQ) * width
        let broadcastBytes = 4 * (50 * 50 + 3 * 50 + 50 * largeQ)
        var rows: [[String]] = []
        for (label, value) in [
            ("W (200704 × 200704 float32)", "\(gigabytes(CheckedSize.product(largeQ, largeQ, 4) ?? 0)) GB in all"),
            ("memory per node (model, 16 ranks)", "\(gigabytes(largeModel.bytesPerRank(ranks: ranks) ?? 0)) GB"),
            ("ranks needed at 16 / 32 / 64 GB per node", [16, 32, 64].map { limit in
                largeModel.ranksNeeded(toFitIn: limit << 30).map(String.init) ?? "none" }.joined(separator: " / ")),
            ("step per node (extrapolated, this machine's cores)", String(format: "%.1f s = %.2f s fixed + %.1f s on "
                                                                          + "the node's 12544 columns", step, fixed,
                                                                          step - fixed)),
            ("thin SVD of a 50 × 200704 batch (measured here)", String(format: "%.3f s (rank 0 only)", svd)),
            ("epoch of 40 steps per node", String(format: "%.0f s", 40 * step)),
            ("broadcast per step (U, s, c, Vᵀ)", String(format: "%.1f MB: %.1f ms at 10 GB/s per hop, 4 hops for 16 ranks",
                                                         Double(broadcastBytes) / 1e6,
                                                         4 * Double(broadcastBytes) / 1e10 * 1e3)),
            ("allreduces per step", "about 8, of at most b = 50 doubles each (latency-bound)"),
        ] { rows.append([label, value]) }
        print("\n[64, 56, 56] pair (P = Q = 200704), b = 50, float32, 16 ranks (one per node):")
        printTable(header: ["quantity", "value"], rows: rows)
        print("Extrapolated from this machine (2 cores): a node with more cores divides the per-column part by its "
              + "speed-up; the fixed part (rank 0's SVD and λ search) does not shrink with ranks. The network time "
              + "is an assumption (10 GB/s links), not a measurement.")
    }

    /// Seconds of the thin SVD of a 50 × q float32 N(0, 1) batch on one OpenBLAS thread.
    private static func largeSVDSeconds(q: Int) throws -> Double {
        var random = BenchRandom(seed: 3)
        let batch: Matrix<Float> = random.matrix(50, q)
        return try BLAS.withSingleThread { _ in try medianSeconds(repeats: 3) { _ = try thinSVD(batch) } }
    }

    private static var executable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    private static let mpirun = "/usr/bin/mpirun"

    private static var mpiAvailable: Bool {
        #if MPI
        return FileManager.default.isExecutableFile(atPath: mpirun)
        #else
        return false
        #endif
    }

    /// MemAvailable of /proc/meminfo, in bytes (0 when unreadable).
    private static func availableMemory() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb * 1024
    }

    private static func gigabytes(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1e9) }
}
