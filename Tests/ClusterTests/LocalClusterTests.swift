import Cluster
import Testing

// The in-process cluster must behave exactly as the MPI communicator is
// specified to: sums in rank order with the same bits on every rank, data
// from the root or from every rank in rank order, and a failure on one rank
// ending the collectives of all instead of hanging them.

private let rankCounts = [1, 2, 3, 5]

/// Values whose sum depends on the order of addition.
private func summands(rank: Int) -> [Double] {
    [1e16, 1, -1e16, 0.1 * Double(rank + 1), Double(rank) * 3.5e-17]
}

@Test(arguments: rankCounts)
func allreduceAddsInRankOrderAndEveryRankGetsTheSameBits(ranks: Int) throws {
    let results = try LocalCluster.run(ranks: ranks) { comm in
        var values = summands(rank: comm.rank)
        try comm.allreduceSum(&values)
        return values
    }
    var expected = summands(rank: 0)
    for r in 1..<max(1, ranks) where ranks > 1 {
        for i in expected.indices { expected[i] += summands(rank: r)[i] }
    }
    #expect(results.count == ranks)
    for values in results {
        #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}

@Test(arguments: rankCounts)
func broadcastGatherAndAllgatherMoveWholeArrays(ranks: Int) throws {
    let results = try LocalCluster.run(ranks: ranks) { comm in
        let root = comm.size - 1
        var fromRoot: [Float] = comm.rank == root ? [1.5, -2, .infinity] : [9]
        try comm.broadcast(&fromRoot, root: root)
        let mine = [Int](repeating: comm.rank, count: comm.rank + 1)   // different lengths per rank
        let gathered = try comm.gather(mine, root: 0)
        let everywhere = try comm.allgather(mine)
        let scalar = try comm.broadcast(UInt8(comm.rank + 7), root: 0)
        try comm.barrier()
        return (fromRoot, gathered, everywhere, scalar)
    }
    let expectedParts = (0..<ranks).map { [Int](repeating: $0, count: $0 + 1) }
    for (rank, (fromRoot, gathered, everywhere, scalar)) in results.enumerated() {
        #expect(fromRoot == [1.5, -2, .infinity])
        #expect(gathered == (rank == 0 ? expectedParts : []))
        #expect(everywhere == expectedParts)
        #expect(scalar == 7)
    }
}

@Test func scalarHelpersAgreeOnEveryRank() throws {
    let results = try LocalCluster.run(ranks: 4) { comm in
        (try comm.allreduceSum(Double(comm.rank)), try comm.allreduceMax(Double(comm.rank % 3)),
         try comm.allSatisfy(comm.rank != 2), try comm.allgatherConcatenated([comm.rank, -comm.rank]))
    }
    for (sum, largest, all, concatenated) in results {
        #expect(sum == 6 && largest == 2 && !all)
        #expect(concatenated == [0, 0, 1, -1, 2, -2, 3, -3])
    }
}

@Test func aRankThatFailsReleasesTheOthersInsteadOfHangingThem() {
    struct Broken: Error, Equatable {}
    #expect(throws: Broken()) {
        _ = try LocalCluster.run(ranks: 3) { comm in
            if comm.rank == 1 { throw Broken() }
            var values = [1.0]
            try comm.allreduceSum(&values)   // rank 1 never arrives
            return values
        }
    }
}

@Test func mismatchedCollectivesFailOnEveryRank() throws {
    let outcomes = try LocalCluster.outcomes(ranks: 2) { comm in
        if comm.rank == 0 {
            var values = [1.0]
            try comm.allreduceSum(&values)
        } else {
            _ = try comm.allgather([1.0])
        }
    }
    for outcome in outcomes {
        #expect(throws: CommunicatorError.self) { try outcome.get() }
    }
}

@Test func anExtraCollectiveOnOneRankFailsOnceTheOthersFinish() {
    #expect(throws: CommunicatorError.self) {
        _ = try LocalCluster.run(ranks: 2) { comm in
            if comm.rank == 1 { try comm.barrier() }
        }
    }
}

@Test func reductionsOfDifferentLengthsAreRefused() throws {
    let outcomes = try LocalCluster.outcomes(ranks: 2) { comm in
        var values = [Double](repeating: 1, count: comm.rank + 1)
        try comm.allreduceSum(&values)
    }
    #expect(outcomes.allSatisfy { (try? $0.get()) == nil })
}

@Test func aBadRootIsAnErrorNotATrap() {
    #expect(throws: CommunicatorError.self) {
        _ = try LocalCluster.run(ranks: 2) { comm in
            var values = [1.0]
            try comm.broadcast(&values, root: 2)
        }
    }
    #expect(throws: CommunicatorError.self) { _ = try LocalCluster.run(ranks: 0) { _ in 0 } }
    var values = [1.0]
    #expect(throws: CommunicatorError.self) { try SingleProcess().broadcast(&values, root: 1) }
}

@Test func sharesCoverEveryItemOnceInRankOrder() throws {
    for count in [0, 1, 7, 200] {
        let shares = try LocalCluster.run(ranks: 3) { $0.share(of: count) }
        #expect(shares.first?.lowerBound == 0 && shares.last?.upperBound == count)
        #expect(zip(shares, shares.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(shares.map(\.count).max()! - shares.map(\.count).min()! <= 1)
    }
    #expect(SingleProcess().share(of: 5) == 0..<5)
}
