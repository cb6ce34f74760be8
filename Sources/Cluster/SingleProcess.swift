import Foundation

/// One rank: every collective is the identity. The default communicator, so
/// the sharded code paths are the only code paths and run in every test.
public final class SingleProcess: Communicator {
    public init() {}

    public var rank: Int { 0 }
    public var size: Int { 1 }

    public func allreduceSum(_ values: inout [Double]) throws(CommunicatorError) {}

    public func broadcast(_ values: inout [Double], root: Int) throws(CommunicatorError) {
        guard root == 0 else { throw CommunicatorError(call: "broadcast", reason: "root \(root) of 1 rank") }
    }

    public func gather(_ values: [Double], root: Int) throws(CommunicatorError) -> [[Double]] {
        guard root == 0 else { throw CommunicatorError(call: "gather", reason: "root \(root) of 1 rank") }
        return [values]
    }

    public func abort(status: Int32) -> Never { exit(status) }
}
