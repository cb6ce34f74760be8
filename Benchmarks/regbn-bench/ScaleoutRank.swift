import Cluster
import Foundation
import Linalg
import RegBN
import Synchronization

/// One configuration of the scale-out benchmark, run in a process of its own so
/// that its peak memory is its own: `regbn-bench scaleout-child MODE RANKS STEPS
/// CHANNELS SIDE` prints one `key=value` line per reporting rank.
///
/// Modes:
/// - `local`: `RANKS` ranks as threads of this process (`LocalCluster`), sharing its cores;
/// - `share`: rank 0's share of a `RANKS`-rank run alone, with every core of the
///   machine — what one rank of a cluster computes, on a node of its own;
/// - `mpi`: the ranks of `mpirun` (a build with `--traits MPI`).
enum ScaleoutRank {
    static func main(_ arguments: [String]) throws {
        guard arguments.count == 5, let ranks = Int(arguments[1]), let steps = Int(arguments[2]),
              let channels = Int(arguments[3]), let side = Int(arguments[4]) else {
            throw BenchmarkError("usage: regbn-bench scaleout-child local|share|mpi RANKS STEPS CHANNELS SIDE")
        }
        let problem = ScaleoutProblem(channels: channels, side: side)
        switch arguments[0] {
        case "local":
            // The ranks share this machine's cores: each gets its part of the thread budget.
            BLAS.threadCount = max(1, BLAS.threadCount / ranks)
            let lines = try LocalCluster.run(ranks: ranks) { comm in try measure(problem, on: comm, steps: steps) }
            print(lines[0] + " rss_mib=\(format(peakResidentMiB()))")
        case "share":
            print(try measure(problem, on: ShareOfRank(size: ranks), steps: steps) + " rss_mib=\(format(peakResidentMiB()))")
        case "mpi":
            try runUnderMPI(problem, steps: steps)
        default:
            throw BenchmarkError("unknown scale-out mode \(arguments[0])")
        }
    }

    #if MPI
    private static func runUnderMPI(_ problem: ScaleoutProblem, steps: Int) throws {
        let comm = try MPICommunicator.start()
        defer { comm.finish() }
        let line = try measure(problem, on: comm, steps: steps)
        // Every rank's line on rank 0, printed in rank order.
        let lines = try comm.gather(Array((line + " rss_mib=\(format(peakResidentMiB()))").utf8), root: 0)
        for (rank, bytes) in lines.enumerated() { print("rank=\(rank) " + String(decoding: bytes, as: UTF8.self)) }
    }
    #else
    private static func runUnderMPI(_ problem: ScaleoutProblem, steps: Int) throws {
        throw BenchmarkError("this regbn-bench was built without MPI: swift build -c release --traits MPI")
    }
    #endif

    /// One warm-up step (W's pages are touched for the first time), then `steps`
    /// timed training steps; the key=value line of this rank.
    static func measure(_ problem: ScaleoutProblem, on comm: any Communicator, steps: Int) throws -> String {
        let timed = TimedCommunicator(comm)
        let setup = DispatchTime.now().uptimeNanoseconds
        var module = try RegBNModule<Float>(configuration: problem.configuration, communicator: timed)
        let columns = module.shard.columns
        let batches = problem.batches.map { (f: $0.f.columns(columns), g: $0.g) }
        var stepSeconds: [Double] = [], collectiveSeconds: [Double] = []
        for step in 0...steps {
            let (f, g) = batches[step % batches.count]
            let before = timed.seconds
            let elapsed = try seconds { _ = try module.trainingStep(f: f, g: g, epoch: 0, stepsPerEpoch: 40) }
            if step > 0 {
                stepSeconds.append(elapsed)
                collectiveSeconds.append(timed.seconds - before)
            }
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - setup) / 1e9
        return "columns=\(columns.count) step_s=\(format(median(stepSeconds))) fastest_s=\(format(stepSeconds.min() ?? .nan)) "
            + "collective_s=\(format(median(collectiveSeconds))) setup_and_steps_s=\(format(total)) threads=\(BLAS.threadCount)"
    }

    static func format(_ value: Double) -> String { String(format: "%.4g", value) }
}

/// f and g of [C, S, S] (the issue's [64, 28, 28]), b = 50, float32, with input and
/// output normalisation and the official λ search: two N(0, 1) batches, cycled.
struct ScaleoutProblem: Sendable {
    let configuration: RegBNConfiguration
    let batches: [(f: Matrix<Float>, g: Matrix<Float>)]
    static let batchSize = 50

    init(channels: Int, side: Int) {
        let configuration = RegBNConfiguration(fChannels: channels, fSpatialShape: [side, side], gChannels: channels,
                                               gSpatialShape: [side, side], normalizeInput: true,
                                               normalizeOutput: true, affine: true)
        var random = BenchRandom(seed: 12)
        let (p, q) = (configuration.fFeatureCount, configuration.gFeatureCount)
        batches = (0..<2).map { _ in (random.matrix(Self.batchSize, p), random.matrix(Self.batchSize, q)) }
        self.configuration = configuration
    }
}

/// A communicator that counts the wall time spent in its collectives (waiting for
/// the other ranks included) and passes them on.
final class TimedCommunicator: Communicator {
    private let inner: any Communicator
    private let total = Mutex(0.0)

    init(_ inner: any Communicator) { self.inner = inner }

    var rank: Int { inner.rank }
    var size: Int { inner.size }
    var seconds: Double { total.withLock { $0 } }

    private func timed<R>(_ body: () throws(CommunicatorError) -> R) throws(CommunicatorError) -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { total.withLock { $0 += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 } }
        return try body()
    }

    func allreduceSum(_ values: inout [Double]) throws(CommunicatorError) {
        try timed { () throws(CommunicatorError) in try inner.allreduceSum(&values) }
    }

    func broadcast<Element: BitwiseCopyable>(_ values: inout [Element], root: Int) throws(CommunicatorError) {
        try timed { () throws(CommunicatorError) in try inner.broadcast(&values, root: root) }
    }

    func gather<Element: BitwiseCopyable>(_ values: [Element], root: Int) throws(CommunicatorError) -> [[Element]] {
        try timed { () throws(CommunicatorError) in try inner.gather(values, root: root) }
    }

    func allgather<Element: BitwiseCopyable>(_ values: [Element]) throws(CommunicatorError) -> [[Element]] {
        try timed { () throws(CommunicatorError) in try inner.allgather(values) }
    }

    func barrier() throws(CommunicatorError) { try timed { () throws(CommunicatorError) in try inner.barrier() } }

    func abort(status: Int32) -> Never { inner.abort(status: status) }
}

/// Rank 0 of a `size`-rank run with nobody else: every collective returns this rank's
/// own contribution as if each other rank had sent the same. The numbers are not a
/// real run's (the gap, for one, counts one rank's columns), but the work is exactly
/// rank 0's: a benchmark device for a rank's cost on a machine of its own.
final class ShareOfRank: Communicator {
    let size: Int
    var rank: Int { 0 }

    init(size: Int) { self.size = size }

    func allreduceSum(_ values: inout [Double]) throws(CommunicatorError) {}
    func broadcast<Element: BitwiseCopyable>(_ values: inout [Element], root: Int) throws(CommunicatorError) {}
    func gather<Element: BitwiseCopyable>(_ values: [Element], root: Int) throws(CommunicatorError) -> [[Element]] {
        Array(repeating: values, count: size)
    }
    func allgather<Element: BitwiseCopyable>(_ values: [Element]) throws(CommunicatorError) -> [[Element]] {
        Array(repeating: values, count: size)
    }
    func barrier() throws(CommunicatorError) {}
    func abort(status: Int32) -> Never { exit(status) }
}
