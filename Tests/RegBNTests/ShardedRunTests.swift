import Cluster
import SeededRandom
import Testing
@testable import RegBN

// RegBN over k ranks, each holding a block of f's columns, must give what one
// process gives: the same outputs, W, statistics and λ's within 1e-12 of each
// array's scale in float64 (the ranks add their sums in another grouping, nothing
// else differs), and λ bit for bit (rank 0 decides it from g alone).

/// k = 2, 3, a count that divides no layer here (7), and more ranks than f has
/// channels where that splits channels between ranks.
private let rankCounts = [2, 3, 7]

private let tolerance = 1e-12

private func expectEquivalent(_ sharded: ReplayOutputs, _ reference: ReplayOutputs, _ label: String) {
    var worst = 0.0
    for ((name, values), (_, expected)) in zip(sharded.arrays, reference.arrays) {
        let difference = scaledDifference(values, expected)
        worst = max(worst, difference)
        #expect(difference <= tolerance, "\(label): \(name) differs by \(difference) of its scale")
    }
    #expect(sharded.lambdas.map(\.bitPattern) == reference.lambdas.map(\.bitPattern), "\(label): λ's differ")
    print("\(label): largest difference to one process \(worst) of an array's scale")
}

@Test(arguments: ["example_loop_conv", "example_loop_images"], rankCounts)
func shardedReplayOfATrainingLogMatchesOneProcess(fixture: String, ranks: Int) throws {
    let script = try ReplayScript.trainingLog(fixture)
    let reference = try script.run(on: SingleProcess())
    expectEquivalent(try script.run(ranks: ranks, wBlockElements: 5000), reference, "\(fixture), \(ranks) ranks")
}

@Test(arguments: rankCounts)
func shardedReplayOfTheFloat64FixtureMatchesOneProcess(ranks: Int) throws {
    let script = try ReplayScript.protocolFixture("float64_parity")
    let reference = try script.run(on: SingleProcess())
    expectEquivalent(try script.run(ranks: ranks), reference, "float64_parity, \(ranks) ranks")
}

@Test(arguments: [2, 3])
func shardedSearchFindsTheSameLambdas(ranks: Int) throws {
    // λ depends on g alone, and rank 0 searches for every rank: the same bits for any k.
    let script = try ReplayScript.protocolFixture("conv_maps").searching
    let reference = try script.run(on: SingleProcess())
    expectEquivalent(try script.run(ranks: ranks), reference, "conv_maps searched, \(ranks) ranks")
}

@Test func oneLocalRankIsTheSingleProcessBitForBit() throws {
    let script = try ReplayScript.trainingLog("example_loop_conv")
    let local = try script.run(ranks: 1), single = try script.run(on: SingleProcess())
    for ((name, a), (_, b)) in zip(local.arrays, single.arrays) {
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(name)")
    }
}

/// A BatchNorm2d f of 5 channels of 3 × 2 over 1…7 ranks: whole channels per rank up to
/// 5 ranks, split channels beyond (their statistics then add up across ranks).
@Test(arguments: [2, 3, 4, 5, 6, 7])
func batchNormStatisticsOfSplitAndWholeChannelsMatchOneProcess(ranks: Int) throws {
    var rng = SplitMix64(seed: 12)
    let configuration = RegBNConfiguration(fChannels: 5, fSpatialShape: [3, 2], gChannels: 2, gSpatialShape: [2, 2],
                                           normalizeInput: true)
    let f: Matrix<Double> = gaussianMatrix(36, 30, &rng), g: Matrix<Double> = gaussianMatrix(36, 8, &rng)
    let steps = (0..<6).map { ReplayScript.Step(rows: Array(($0 % 3 * 12)..<($0 % 3 * 12 + 12)),
                                                epochArgument: $0 / 3, lambda: .search) }
    let script = ReplayScript(name: "BatchNorm2d f", configuration: configuration, f: f, g: g, steps: steps,
                              stepsPerEpoch: 3, batchSize: 12)
    let reference = try script.run(on: SingleProcess())
    let sharded = try script.run(ranks: ranks)
    expectEquivalent(sharded, reference, "BatchNorm2d f[5, 3, 2], \(ranks) ranks")
    #expect(sharded.batchNormF?.runningMean.count == 5 && sharded.batchNormF?.batchesTracked == 6)
}

@Test func thePlanKeepsChannelsWholeWhileThereAreEnoughOfThem() throws {
    let configuration = RegBNConfiguration(fChannels: 64, fSpatialShape: [28, 28], gChannels: 64,
                                           gSpatialShape: [28, 28], normalizeInput: true)
    let plan = try RegBNShardPlan(configuration: configuration, ranks: 5)
    #expect(plan.isChannelAligned && plan.maximumRanks == 50176)
    #expect(plan.shards.map(\.channels.count) == [12, 13, 13, 13, 13])
    #expect(plan.shards.allSatisfy { $0.isChannelAligned })
    #expect(plan.shards.first?.columns.lowerBound == 0 && plan.shards.last?.columns.upperBound == 50176)
    #expect(zip(plan.shards, plan.shards.dropFirst()).allSatisfy { $0.columns.upperBound == $1.columns.lowerBound })
    // More ranks than channels: columns spread evenly, a channel may straddle two ranks.
    let split = try RegBNShardPlan(configuration: configuration, ranks: 100)
    #expect(!split.isChannelAligned && split.shards.map(\.width).allSatisfy { $0 == 501 || $0 == 502 })
    #expect(split.shard(rank: 1).channels == 0..<2)
}

@Test func tooManyRanksAreRefusedWithTheLimit() throws {
    let configuration = RegBNConfiguration(fChannels: 3, fSpatialShape: [2], gChannels: 2)
    #expect(throws: RegBNError.self) { try RegBNShardPlan(configuration: configuration, ranks: 7) }
    #expect(throws: RegBNError.self) { try RegBNShardPlan(configuration: configuration, ranks: 0) }
    do {
        _ = try RegBNShardPlan(configuration: configuration, ranks: 7)
    } catch {
        #expect("\(error)".contains("between 1 and 6 ranks"))
    }
}

/// f[12] vectors against g[5] on 3 ranks, with a poisoned value on one rank's block.
private func poisonedRun(row: Int, column: Int, value: Double) throws -> [Result<Bool, any Error>] {
    var rng = SplitMix64(seed: 4)
    let f: Matrix<Double> = gaussianMatrix(20, 12, &rng), g: Matrix<Double> = gaussianMatrix(20, 5, &rng)
    let bad = { var m = f; m[row, column] = value; return m }()
    let configuration = RegBNConfiguration(fChannels: 12, gChannels: 5, normalizeInput: true)
    return try LocalCluster.outcomes(ranks: 3) { comm in
        var module = try RegBNModule<Double>(configuration: configuration, communicator: comm)
        let columns = module.shard.columns
        _ = try module.trainingStep(f: f.columns(columns), g: g, epoch: 0, stepsPerEpoch: 2)
        let before = module.projection
        let step = try module.trainingStep(f: bad.columns(columns), g: g, epoch: 0, stepsPerEpoch: 2)
        return step.returnedInputs && module.projection == before
    }
}

@Test func nanInOneRanksBlockReturnsTheBatchOnEveryRank() throws {
    let outcomes = try poisonedRun(row: 3, column: 10, value: .nan)
    #expect(outcomes.allSatisfy { (try? $0.get()) == true })
}

@Test func infinityInOneRanksBlockIsTheSameErrorOnEveryRank() throws {
    // Column 10 lies on rank 2 (columns 8..<12); every rank names it by f's own numbering.
    let outcomes = try poisonedRun(row: 3, column: 10, value: -.infinity)
    for outcome in outcomes {
        #expect(throws: RegBNError.infiniteInput(modality: "f", row: 3, column: 10)) { try outcome.get() }
    }
}

@Test func aWrongBlockOnOneRankStopsEveryRank() throws {
    let configuration = RegBNConfiguration(fChannels: 12, gChannels: 5)
    let outcomes = try LocalCluster.outcomes(ranks: 3) { comm in
        var module = try RegBNModule<Double>(configuration: configuration, communicator: comm)
        var rng = SplitMix64(seed: 1)
        let width = module.shard.width + (comm.rank == 1 ? 1 : 0)
        _ = try module.trainingStep(f: gaussianMatrix(10, width, &rng), g: gaussianMatrix(10, 5, &rng), epoch: 0,
                                    stepsPerEpoch: 1)
    }
    #expect(throws: RegBNError.self) { try outcomes[1].get() }
    for rank in [0, 2] {
        #expect(throws: RemoteFailure.self) { try outcomes[rank].get() }
    }
}

@Test func aFailureOfRankZerosDecisionStopsEveryRankAndLeavesTheirStateAlone() throws {
    // sigma-thr 1 makes every singular value 0, and λ = 0 then has s² + λ = 0 (see
    // aFailedStepLeavesTheStateUntouched): rank 0 fails, the others must not hang.
    let configuration = RegBNConfiguration(fChannels: 3, gChannels: 2, gSpatialShape: [2, 2], normalizeInput: true,
                                           sigmaThr: 1, sigmaMin: 0)
    let outcomes = try LocalCluster.outcomes(ranks: 3) { comm in
        var module = try RegBNModule<Double>(configuration: configuration, communicator: comm)
        var rng = SplitMix64(seed: 2)
        let f: Matrix<Double> = gaussianMatrix(6, 3, &rng), g: Matrix<Double> = gaussianMatrix(6, 8, &rng)
        let columns = module.shard.columns
        _ = try module.trainingStep(f: f.columns(columns), g: g, epoch: 0, stepsPerEpoch: 4, lambda: .given(2))
        let before = (module.projection, module.lambdaHistory, module.normG)
        do {
            _ = try module.trainingStep(f: f.columns(columns), g: g, epoch: 1, stepsPerEpoch: 4, lambda: .given(0))
        } catch {
            #expect(module.projection == before.0 && module.lambdaHistory == before.1 && module.normG == before.2)
            throw error
        }
    }
    #expect(throws: RegBNError.singularRegularisedSpectrum(lambda: 0)) { try outcomes[0].get() }
    for outcome in outcomes.dropFirst() {
        #expect(throws: RemoteFailure.self) { try outcome.get() }
    }
}

@Test func wIsHandedOverInBlocksOfWholeRowsWithinTheLimit() throws {
    let script = try ReplayScript.trainingLog("example_loop_conv")
    let blocks = try LocalCluster.run(ranks: 3) { comm -> [Range<Int>] in
        var module = try RegBNModule<Double>(configuration: script.configuration, communicator: comm)
        let step = script.steps[0]
        _ = try module.trainingStep(f: script.f.selectingRows(step.rows).columns(module.shard.columns),
                                    g: script.g.selectingRows(step.rows), epoch: 1, stepsPerEpoch: 5)
        var seen: [Range<Int>] = []
        try module.forEachRowBlockOfW(maximumElements: 10 * 24 + 5) { rows, block in
            #expect(block.columns == 24 && block.rows == rows.count && block.storage.count <= 10 * 24 + 5)
            seen.append(rows)
        }
        return seen
    }
    #expect(blocks[0] == stride(from: 0, to: 96, by: 10).map { $0..<min(96, $0 + 10) })
    #expect(blocks[1].isEmpty && blocks[2].isEmpty)
}
