import Foundation

/// The rendezvous of a `LocalCluster`'s ranks: each collective is one round in
/// which every rank deposits its contribution, and the last to arrive publishes
/// all of them at once.
///
/// The published round is a snapshot taken when the round completes, so a rank
/// that hurries on to its next collective cannot overwrite what a slower rank
/// has yet to read: the next round completes only once that slower rank has
/// arrived, i.e. after it has read. Contributions are values (arrays), never
/// shared mutable storage.
///
/// A rank that stops (its body threw or returned) while others wait makes them
/// throw instead of waiting forever: in MPI a mismatched collective would hang,
/// in tests it must fail.
final class LocalExchange: @unchecked Sendable {
    /// One rank's part of a round: which collective it called, and its data.
    struct Contribution {
        let call: String
        let payload: Any?
    }

    let size: Int
    private let condition = NSCondition()
    private var pending: [Contribution?]
    private var published: [Contribution?] = []
    private var arrived = 0
    private var generation = 0
    /// Set when a rank has stopped; later and waiting collectives throw.
    private var stopped: String?

    init(size: Int) {
        self.size = size
        pending = Array(repeating: nil, count: size)
    }

    /// Deposits `contribution` for `rank` and returns every rank's contribution of
    /// this round, once all have arrived.
    func round(rank: Int, _ contribution: Contribution) throws(CommunicatorError) -> [Contribution] {
        condition.lock()
        defer { condition.unlock() }
        if let stopped { throw CommunicatorError(call: contribution.call, reason: stopped) }
        pending[rank] = contribution
        arrived += 1
        if arrived == size {
            published = pending
            pending = Array(repeating: nil, count: size)
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            let mine = generation
            while generation == mine && stopped == nil { condition.wait() }
            if generation == mine, let stopped { throw CommunicatorError(call: contribution.call, reason: stopped) }
        }
        let round = published.compactMap { $0 }
        guard round.count == size, round.allSatisfy({ $0.call == contribution.call }) else {
            let calls = round.map(\.call).joined(separator: ", ")
            throw CommunicatorError(call: contribution.call,
                                    reason: "the ranks called different collectives at once (\(calls))")
        }
        return round
    }

    /// Rank `rank` will call no further collective (its body returned or threw):
    /// every rank waiting now or later is released with an error.
    func stop(rank: Int, because reason: String) {
        condition.lock()
        defer { condition.unlock() }
        if stopped == nil { stopped = "rank \(rank) of the local cluster \(reason)" }
        condition.broadcast()
    }
}
