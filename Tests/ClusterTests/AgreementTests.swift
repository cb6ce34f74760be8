import Cluster
import Testing

// A step that fails on some ranks must fail on all of them, with the failing
// rank's message, and a value computed on the root must arrive unchanged.

private struct ReadFailure: Error, CustomStringConvertible {
    let rank: Int
    var description: String { "cannot read block \(rank)" }
}

@Test func aFailureOnOneRankStopsEveryRankWithItsMessage() throws {
    let outcomes = try LocalCluster.outcomes(ranks: 4) { comm in
        try comm.agreeing { () throws -> Int in
            if comm.rank == 2 || comm.rank == 3 { throw ReadFailure(rank: comm.rank) }
            return comm.rank
        }
    }
    for (rank, outcome) in outcomes.enumerated() {
        switch rank {
        case 2, 3:
            #expect(throws: ReadFailure.self) { try outcome.get() }
        default:
            #expect(throws: RemoteFailure(rank: 2, message: "cannot read block 2",
                                          errorType: String(reflecting: ReadFailure.self))) { try outcome.get() }
        }
    }
}

@Test func agreementWithoutFailureReturnsEachRanksValue() throws {
    #expect(try LocalCluster.run(ranks: 3) { comm in try comm.agreeing { comm.rank * 10 } } == [0, 10, 20])
    #expect(try SingleProcess().agreeing { 5 } == 5)
}

@Test func aValueComputedOnTheRootArrivesBitForBit() throws {
    let results = try LocalCluster.run(ranks: 3) { comm in
        try comm.fromRoot(compute: { () throws -> (Double, String) in
            precondition(comm.rank == 0, "computed off the root")
            return (0.1 + 0.2, "λ ≈ 3.5e-7")
        }, encode: { value, message in
            message.append(value.0)
            message.append(value.1)
        }, decode: { reader in (try reader.double(), try reader.string()) })
    }
    for (value, text) in results {
        #expect(value.bitPattern == (0.1 + 0.2).bitPattern && text == "λ ≈ 3.5e-7")
    }
}

@Test func aFailureOnTheRootReachesEveryRank() throws {
    let outcomes = try LocalCluster.outcomes(ranks: 3) { comm in
        try comm.fromRoot(compute: { () throws -> Int in throw ReadFailure(rank: 0) },
                          encode: { _, _ in }, decode: { reader in try reader.int() })
    }
    #expect(throws: ReadFailure.self) { try outcomes[0].get() }
    for outcome in outcomes.dropFirst() {
        #expect(throws: RemoteFailure.self) { try outcome.get() }
    }
}

@Test func messagesRoundTripExactly() throws {
    var writer = MessageWriter()
    let doubles = [0.0, -0.0, .pi, .leastNonzeroMagnitude, -.infinity]
    writer.append(-42)
    writer.append(Float(1.1))
    writer.append(true)
    writer.append("W ∈ ℝ^{Q×P}")
    writer.append(doubles)
    writer.append(Double.nan)
    var reader = MessageReader(writer.bytes)
    #expect(try reader.int() == -42)
    #expect(try reader.float() == Float(1.1))
    #expect(try reader.bool())
    #expect(try reader.string() == "W ∈ ℝ^{Q×P}")
    #expect(try reader.doubles().map(\.bitPattern) == doubles.map(\.bitPattern))
    #expect(try reader.double().isNaN)
    #expect(reader.isAtEnd)
    #expect(throws: CommunicatorError.self) { try reader.int() }
    var truncated = MessageReader(Array(writer.bytes.prefix(30)))
    _ = try truncated.int()
    _ = try truncated.float()
    _ = try truncated.bool()
    #expect(throws: CommunicatorError.self) { try truncated.string() }
}
