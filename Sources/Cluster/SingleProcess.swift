import Foundation

/// One rank: every collective is the identity. The default communicator, so
/// the sharded code paths are the only code paths and run in every test.
public final class SingleProcess: Communicator {
    public init() {}

    public var rank: Int { 0 }
    public var size: Int { 1 }

    public func allreduceSum(_ values: inout [Double]) throws(CommunicatorError) {}

    public func broadcast<Element: BitwiseCopyable>(_ values: inout [Element], root: Int) throws(CommunicatorError) {
        try Self.requireRoot(root, "broadcast")
    }

    public func gather<Element: BitwiseCopyable>(_ values: [Element], root: Int) throws(CommunicatorError) -> [[Element]] {
        try Self.requireRoot(root, "gather")
        return [values]
    }

    public func allgather<Element: BitwiseCopyable>(_ values: [Element]) throws(CommunicatorError) -> [[Element]] {
        [values]
    }

    public func barrier() throws(CommunicatorError) {}

    public func abort(status: Int32) -> Never { exit(status) }

    private static func requireRoot(_ root: Int, _ call: String) throws(CommunicatorError) {
        guard root == 0 else { throw CommunicatorError(call: call, reason: "root \(root) of 1 rank") }
    }
}
