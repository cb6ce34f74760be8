import Foundation

/// `k` ranks as threads of this process, with collectives through shared memory
/// and exactly the semantics of `MPICommunicator`: reductions add in rank order
/// and every rank receives the same bits. Tests run every sharded path with
/// several ranks without MPI; benchmarks measure per-rank costs.
///
/// ```swift
/// let sums = try LocalCluster.run(ranks: 3) { comm in
///     try comm.allreduceSum(Double(comm.rank))   // 3.0 on every rank
/// }
/// ```
public enum LocalCluster {
    /// Runs `body` on `ranks` threads, one communicator each, and returns the
    /// ranks' results in rank order.
    ///
    /// Each rank gets a thread of its own (never a shared pool: a rank blocked in
    /// a collective must not keep another from running). When a rank throws, ranks
    /// that wait for it in a collective throw a `CommunicatorError` instead of
    /// hanging, and the call rethrows the first cause: the error of the lowest
    /// rank that failed on its own (not because another rank stopped or failed).
    public static func run<Result: Sendable>(
        ranks: Int, _ body: @escaping @Sendable (LocalCommunicator) throws -> Result
    ) throws -> [Result] {
        let outcomes = try self.outcomes(ranks: ranks, body)
        if let cause = firstCause(outcomes) { throw cause }
        return outcomes.compactMap { try? $0.get() }
    }

    /// Like `run`, but every rank's outcome, successful or not, in rank order.
    public static func outcomes<Result: Sendable>(
        ranks: Int, _ body: @escaping @Sendable (LocalCommunicator) throws -> Result
    ) throws(CommunicatorError) -> [Swift.Result<Result, any Error>] {
        guard ranks >= 1 else {
            throw CommunicatorError(call: "LocalCluster.run", reason: "needs at least 1 rank, got \(ranks)")
        }
        let exchange = LocalExchange(size: ranks)
        let results = ResultSlots<Result>(count: ranks)
        let finished = DispatchGroup()
        for rank in 0..<ranks {
            finished.enter()
            let thread = Thread {
                let communicator = LocalCommunicator(rank: rank, exchange: exchange)
                do {
                    results.set(rank, .success(try body(communicator)))
                    exchange.stop(rank: rank, because: "finished while others wait in a collective")
                } catch {
                    results.set(rank, .failure(error))
                    exchange.stop(rank: rank, because: "stopped: \(error)")
                }
                finished.leave()
            }
            // Numerical code may use deep stacks (generic specialisations, SIMD temporaries).
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        return results.values
    }

    /// The error that started a failure: not a rank's reaction to another's.
    private static func firstCause<Result>(_ outcomes: [Swift.Result<Result, any Error>]) -> (any Error)? {
        let errors = outcomes.compactMap { outcome -> (any Error)? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        return errors.first { !($0 is RemoteFailure) && !($0 is CommunicatorError) } ?? errors.first
    }
}

/// One rank of a `LocalCluster`.
public final class LocalCommunicator: Communicator {
    public let rank: Int
    public var size: Int { exchange.size }
    private let exchange: LocalExchange

    init(rank: Int, exchange: LocalExchange) {
        self.rank = rank
        self.exchange = exchange
    }

    public func allreduceSum(_ values: inout [Double]) throws(CommunicatorError) {
        let round = try exchange.round(rank: rank, .init(call: "allreduceSum", payload: values))
        let parts = try Self.payloads(round, as: [Double].self, "allreduceSum")
        guard parts.allSatisfy({ $0.count == values.count }) else {
            throw CommunicatorError(call: "allreduceSum",
                                    reason: "ranks passed different lengths (\(parts.map(\.count)))")
        }
        // Each rank adds in rank order itself: the same operations, the same bits everywhere.
        var total = parts[0]
        for part in parts.dropFirst() {
            for i in total.indices { total[i] += part[i] }
        }
        values = total
    }

    public func broadcast<Element: BitwiseCopyable>(_ values: inout [Element], root: Int) throws(CommunicatorError) {
        try requireRank(root, "broadcast")
        let round = try exchange.round(rank: rank, .init(call: "broadcast", payload: rank == root ? values : nil))
        guard let sent = round[root].payload as? [Element] else {
            throw CommunicatorError(call: "broadcast", reason: "rank \(root) sent no \([Element].self)")
        }
        values = sent
    }

    public func gather<Element: BitwiseCopyable>(_ values: [Element], root: Int) throws(CommunicatorError) -> [[Element]] {
        try requireRank(root, "gather")
        let round = try exchange.round(rank: rank, .init(call: "gather", payload: values))
        let parts = try Self.payloads(round, as: [Element].self, "gather")
        return rank == root ? parts : []
    }

    public func allgather<Element: BitwiseCopyable>(_ values: [Element]) throws(CommunicatorError) -> [[Element]] {
        let round = try exchange.round(rank: rank, .init(call: "allgather", payload: values))
        return try Self.payloads(round, as: [Element].self, "allgather")
    }

    public func barrier() throws(CommunicatorError) {
        _ = try exchange.round(rank: rank, .init(call: "barrier", payload: nil))
    }

    /// Ends the process, and with it every rank of the local cluster.
    public func abort(status: Int32) -> Never { exit(status) }

    private static func payloads<Payload>(_ round: [LocalExchange.Contribution], as _: Payload.Type,
                                          _ call: String) throws(CommunicatorError) -> [Payload] {
        var parts: [Payload] = []
        for (rank, contribution) in round.enumerated() {
            guard let part = contribution.payload as? Payload else {
                throw CommunicatorError(call: call, reason: "rank \(rank) passed \(type(of: contribution.payload)), "
                                        + "not \(Payload.self)")
            }
            parts.append(part)
        }
        return parts
    }

    private func requireRank(_ root: Int, _ call: String) throws(CommunicatorError) {
        guard (0..<size).contains(root) else {
            throw CommunicatorError(call: call, reason: "root \(root) of \(size) ranks")
        }
    }
}

/// The ranks' results, each written once by its own thread and read after all joined.
private final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Swift.Result<Value, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ rank: Int, _ value: Swift.Result<Value, any Error>) {
        lock.lock()
        slots[rank] = value
        lock.unlock()
    }

    var values: [Swift.Result<Value, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0 ?? .failure(CommunicatorError(call: "LocalCluster.run", reason: "a rank never ran")) }
    }
}
