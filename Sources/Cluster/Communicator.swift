/// The few collective operations the sharded computations need, over the
/// processes ("ranks") of one run.
///
/// RegBN and the kernel statistics are written once, against this protocol:
/// every run goes through the sharded code path, with `SingleProcess` (one rank,
/// the default), `LocalCluster` (ranks as threads of one process, for tests and
/// benchmarks) or, in a build with the `MPI` trait, `MPICommunicator` under
/// `mpirun`. Every rank calls every collective in the same order.
///
/// Reductions sum in rank order on the root and broadcast the result, so a run
/// with a given number of ranks gives the same bits every time, and every rank
/// holds exactly the same numbers afterwards. Elements travel as their bytes
/// (`BitwiseCopyable`): ranks must run on machines of one architecture.
public protocol Communicator: AnyObject, Sendable {
    /// This process's index, 0..<size.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }

    /// Element-wise sum of `values` over all ranks, added in rank order
    /// (((v₀ + v₁) + v₂) + …), the result on every rank. Every rank passes as many values.
    func allreduceSum(_ values: inout [Double]) throws(CommunicatorError)
    /// `values` of `root` copied to every rank (their `values` are replaced; sizes
    /// may differ beforehand).
    func broadcast<Element: BitwiseCopyable>(_ values: inout [Element], root: Int) throws(CommunicatorError)
    /// Every rank's `values` (any lengths) on `root`, in rank order; `[]` elsewhere.
    func gather<Element: BitwiseCopyable>(_ values: [Element], root: Int) throws(CommunicatorError) -> [[Element]]
    /// Every rank's `values` (any lengths) on every rank, in rank order.
    func allgather<Element: BitwiseCopyable>(_ values: [Element]) throws(CommunicatorError) -> [[Element]]
    /// Returns once every rank has called it (for timing; the collectives above need no barrier).
    func barrier() throws(CommunicatorError)
    /// Ends the whole run from this rank (all ranks stop) with `status`.
    func abort(status: Int32) -> Never
}

extension Communicator {
    public var isRoot: Bool { rank == 0 }

    /// A scalar sum over ranks, added in rank order.
    public func allreduceSum(_ value: Double) throws(CommunicatorError) -> Double {
        guard size > 1 else { return value }
        var values = [value]
        try allreduceSum(&values)
        return values[0]
    }

    /// The largest of one value per rank (exact: no rounding is involved).
    public func allreduceMax(_ value: Double) throws(CommunicatorError) -> Double {
        guard size > 1 else { return value }
        return try allgather([value]).reduce(-Double.infinity) { Swift.max($0, $1[0]) }
    }

    /// Whether `flag` holds on every rank.
    public func allSatisfy(_ flag: Bool) throws(CommunicatorError) -> Bool {
        guard size > 1 else { return flag }
        return try allgather([flag]).allSatisfy { $0[0] }
    }

    /// `value` of `root` on every rank.
    public func broadcast<Element: BitwiseCopyable>(_ value: Element, root: Int = 0) throws(CommunicatorError) -> Element {
        guard size > 1 else { return value }
        var values = [value]
        try broadcast(&values, root: root)
        guard let received = values.first else {
            throw CommunicatorError(call: "broadcast", reason: "rank \(root) sent no value")
        }
        return received
    }

    /// This rank's contiguous share of `count` items (permutations, resamples, rows…)
    /// split evenly over the ranks in rank order: ⌊r·count/size⌋ ..< ⌊(r+1)·count/size⌋.
    public func share(of count: Int) -> Range<Int> {
        func bound(_ r: Int) -> Int { size.dividingFullWidth(r.multipliedFullWidth(by: max(0, count))).quotient }
        return bound(rank)..<bound(rank + 1)
    }

    /// Every rank's `values`, concatenated in rank order, on every rank.
    public func allgatherConcatenated<Element: BitwiseCopyable>(_ values: [Element]) throws(CommunicatorError) -> [Element] {
        guard size > 1 else { return values }
        return try allgather(values).flatMap { $0 }
    }
}

/// A failure of the message-passing layer itself (not of the data).
public struct CommunicatorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The MPI call (or operation) that failed.
    public let call: String
    public let reason: String

    public init(call: String, reason: String) {
        self.call = call
        self.reason = reason
    }

    public var description: String { "\(call) failed: \(reason)" }
}
