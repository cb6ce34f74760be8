/// The few collective operations the sharded computations need, over the
/// processes ("ranks") of one run.
///
/// RegBN and the kernel statistics are written once, against this protocol:
/// every run goes through the sharded code path, with `SingleProcess` (one rank,
/// the default) or, in a build with the `MPI` trait, `MPICommunicator` under
/// `mpirun`. Every rank calls every collective in the same order.
///
/// Reductions sum in rank order on the root and broadcast the result, so a run
/// with a given number of ranks gives the same bits every time, and every rank
/// holds exactly the same numbers afterwards.
public protocol Communicator: AnyObject, Sendable {
    /// This process's index, 0..<size.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }

    /// Element-wise sum of `values` over all ranks, the result on every rank.
    func allreduceSum(_ values: inout [Double]) throws(CommunicatorError)
    /// `values` of `root` copied to every rank (their `values` are replaced; sizes
    /// may differ beforehand).
    func broadcast(_ values: inout [Double], root: Int) throws(CommunicatorError)
    /// Every rank's `values` (any lengths) on `root`, in rank order; `[]` elsewhere.
    func gather(_ values: [Double], root: Int) throws(CommunicatorError) -> [[Double]]
    /// Ends the whole run from this rank (all ranks stop) with `status`.
    func abort(status: Int32) -> Never
}

extension Communicator {
    public var isRoot: Bool { rank == 0 }

    /// A scalar sum over ranks.
    public func allreduceSum(_ value: Double) throws(CommunicatorError) -> Double {
        var values = [value]
        try allreduceSum(&values)
        return values[0]
    }

    /// `value` of `root` on every rank.
    public func broadcast(_ value: Double, root: Int = 0) throws(CommunicatorError) -> Double {
        var values = [value]
        try broadcast(&values, root: root)
        return values[0]
    }
}

/// A failure of the message-passing layer itself (not of the data).
public struct CommunicatorError: Error, CustomStringConvertible, Sendable {
    /// The MPI call (or operation) that failed.
    public let call: String
    public let reason: String

    public init(call: String, reason: String) {
        self.call = call
        self.reason = reason
    }

    public var description: String { "\(call) failed: \(reason)" }
}
