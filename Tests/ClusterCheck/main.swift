import Cluster
import Diagnostics
import Foundation
import RegBN
import SeededRandom

// `cluster-check`: the MPI communicator and the sharded RegBN and kernel statistics
// over real `mpirun` ranks, checked against one process on rank 0. Build with
// `swift build --traits MPI` and run, as root on a small machine,
//   mpirun --allow-run-as-root --oversubscribe -np 3 .build/debug/cluster-check
// Rank 0 prints one line per check and exits 1 when any failed (every rank exits
// with the same status). `--small-pieces` cuts every transfer into pieces of 4 KiB
// and every reduction into rounds of 1000 values, so that the cutting of large
// transfers (pieces of up to 1 GiB otherwise) is exercised too. Without the MPI trait
// it says so and exits 2.

#if MPI
struct CheckFailure: Error, CustomStringConvertible {
    let description: String
}

/// Standard-normal matrix from a seeded stream.
func gaussian(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix<Double> {
    var generator = SplitMix64(seed: seed)
    return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in generator.standardNormal() })
}

/// max |a − b| / max |b| (NaN where both are NaN counts as equal).
func scaledDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    var difference = 0.0, scale = 0.0
    for (x, y) in zip(a, b) where !(x.isNaN && y.isNaN) {
        difference = max(difference, abs(x - y))
        scale = max(scale, abs(y))
    }
    return difference == 0 ? 0 : difference / scale
}

func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CheckFailure(description: message()) }
}

/// Collectives: rank-order sums, roots, lengths and element types.
func checkCollectives(_ comm: MPICommunicator) throws -> String {
    let terms = [1e16, 1, -1e16, 0.1 * Double(comm.rank + 1)]
    var values = terms
    try comm.allreduceSum(&values)
    var expected = [1e16, 1, -1e16, 0.1]
    for r in 1..<comm.size {
        let other = [1e16, 1, -1e16, 0.1 * Double(r + 1)]
        for i in expected.indices { expected[i] += other[i] }
    }
    try require(values.map(\.bitPattern) == expected.map(\.bitPattern), "allreduceSum \(values) ≠ \(expected)")
    var large = comm.rank == comm.size - 1 ? (0..<3_000_000).map { Float($0) } : []
    try comm.broadcast(&large, root: comm.size - 1)
    try require(large.count == 3_000_000 && large[2_999_999] == 2_999_999, "broadcast of 3M floats")
    let mine = [Int](repeating: comm.rank, count: comm.rank)
    let gathered = try comm.gather(mine, root: 0), everywhere = try comm.allgather(mine)
    let parts = (0..<comm.size).map { [Int](repeating: $0, count: $0) }
    try require(everywhere == parts && gathered == (comm.rank == 0 ? parts : []), "gather/allgather of unequal lengths")
    var sums = [Double](repeating: Double(comm.rank), count: 2_500_000)   // more than one reduction round
    try comm.allreduceSum(&sums)
    try require(sums.allSatisfy { $0 == Double(comm.size * (comm.size - 1) / 2) }, "allreduceSum in rounds")
    do {
        _ = try comm.agreeing { if comm.rank == comm.size - 1 { throw CheckFailure(description: "planted") } }
        throw CheckFailure(description: "a failure on the last rank did not reach rank \(comm.rank)")
    } catch let failure as RemoteFailure {
        try require(failure.rank == comm.size - 1 && failure.message == "planted", "RemoteFailure \(failure)")
    } catch let planted as CheckFailure where planted.description == "planted" {}
    return "collectives (rank-order sums, 3M-element broadcast, 2.5M-element reduction rounds, agreement)"
}

/// RegBN: a BatchNorm2d f of 5 channels over the ranks, 6 searched steps, against one process.
func checkRegBN(_ comm: MPICommunicator) throws -> String {
    let configuration = RegBNConfiguration(fChannels: 5, fSpatialShape: [3, 2], gChannels: 2, gSpatialShape: [2, 2],
                                           normalizeInput: true)
    let f = gaussian(36, 30, seed: 12), g = gaussian(36, 8, seed: 13)
    func run(_ communicator: any Communicator) throws -> (outputs: [Double], lambdas: [Double]) {
        var module = try RegBNModule<Double>(configuration: configuration, communicator: communicator)
        let columns = module.shard.columns
        var outputs: [Double] = [], lambdas: [Double] = []
        for step in 0..<6 {
            let rows = (step % 3 * 12)..<(step % 3 * 12 + 12)
            let result = try module.trainingStep(f: f.rows(rows).columns(columns), g: g.rows(rows), epoch: step / 3,
                                                 stepsPerEpoch: 3)
            outputs += try module.gatheredColumns(result.f)?.storage ?? []
            lambdas.append(result.lambda ?? .nan)
        }
        try module.forEachRowBlockOfW(maximumElements: 50) { _, block in outputs += block.storage }
        outputs += try module.gatheredBatchNormStateF().map { $0.runningMean + $0.runningVar } ?? []
        let inference = try module.inference(f: f.rows(0..<12).columns(columns), g: g.rows(0..<12))
        outputs += try module.gatheredColumns(inference.f)?.storage ?? []
        return (outputs, lambdas)
    }
    let sharded = try run(comm)
    try comm.agreeing {
        guard comm.rank == 0 else { return }
        let single = try run(SingleProcess())
        let difference = scaledDifference(sharded.outputs, single.outputs)
        try require(difference <= 1e-12, "RegBN outputs differ by \(difference) of their scale")
        try require(sharded.lambdas.map(\.bitPattern) == single.lambdas.map(\.bitPattern), "RegBN λ's differ")
    }
    return "RegBN f[5, 3, 2] over \(comm.size) ranks: training outputs, W, statistics, inference within 1e-12, λ bit for bit"
}

/// Kernel statistics: every measure with permutations, bootstrap and strata, against one process.
func checkDiagnostics(_ comm: MPICommunicator) throws -> String {
    let x = gaussian(90, 13, seed: 5), noise = gaussian(90, 7, seed: 6)
    var y = matmul(x, gaussian(13, 7, seed: 7))
    for i in y.storage.indices { y.storage[i] = tanh(y.storage[i]) + 0.5 * noise.storage[i] }
    let strata = try CategoricalLabels(Matrix(rows: 90, columns: 1, storage: (0..<90).map { Double($0 % 3) }))
    let measures = DependenceMeasures(permutation: PermutationSettings(permutations: 50, seed: 3),
                                      bootstrap: BootstrapSettings(resamples: 20, seed: 4), threads: 1)
    func report(_ communicator: any Communicator) throws -> DependenceReport {
        try measures(.continuous(x.columns(communicator.share(of: 13))), .continuous(y.columns(communicator.share(of: 7))),
                     strata: strata, communicator: communicator)
    }
    let sharded = try report(comm)
    try comm.agreeing {
        guard comm.rank == 0 else { return }
        let single = try report(SingleProcess())
        for (a, b) in zip(sharded.estimates + sharded.withinStrata, single.estimates + single.withinStrata) {
            try require(scaledDifference([a.value, a.interval?.low ?? .nan, a.interval?.high ?? .nan],
                                         [b.value, b.interval?.low ?? .nan, b.interval?.high ?? .nan]) <= 1e-12,
                        "\(a.measure.rawValue) differs")
            for (p, q) in zip(a.pValues, b.pValues) where p.method.label.contains("permutation") {
                try require(p.value == q.value, "\(a.measure.rawValue) \(p.method.label): \(p.value) ≠ \(q.value)")
            }
        }
    }
    return "dependence measures (x 13, y 7 features over \(comm.size) ranks): within 1e-12, permutation p identical"
}

let comm = CommandLine.arguments.contains("--small-pieces")
    ? try MPICommunicator.start(maximumPieceBytes: 4096, reductionRoundElements: 1000)
    : try MPICommunicator.start()
var failed = false
for check in [checkCollectives, checkRegBN, checkDiagnostics] {
    do {
        let passed = try check(comm)
        if comm.isRoot { print("ok: \(passed)") }
    } catch {
        failed = true
        if comm.isRoot { print("FAILED: \(error)") }
    }
}
let anyFailed = try !comm.allSatisfy(!failed)
comm.finish()
exit(anyFailed ? 1 : 0)
#else
FileHandle.standardError.write(Data("cluster-check needs the MPI trait: swift build --traits MPI\n".utf8))
exit(2)
#endif
