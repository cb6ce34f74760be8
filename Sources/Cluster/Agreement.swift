/// What a rank throws when another rank's part of a collective step failed: the
/// failing rank's message, so that every rank stops with the same story (rank 0
/// can print it once) instead of the others waiting in the next collective forever.
public struct RemoteFailure: Error, CustomStringConvertible, Sendable, Equatable {
    /// The lowest rank whose part failed.
    public let rank: Int
    /// That rank's error, as `String(describing:)` gives it.
    public let message: String
    /// That error's type (`String(reflecting:)`), so that a caller can map it to an
    /// exit status as it would the error itself.
    public let errorType: String

    public init(rank: Int, message: String, errorType: String) {
        self.rank = rank
        self.message = message
        self.errorType = errorType
    }

    public var description: String { message }
}

extension Communicator {
    /// Runs `body` on every rank and agrees on the outcome with one `allgather`:
    /// when `body` throws on any rank, every rank throws — a failing rank its own
    /// error, the others a `RemoteFailure` with the lowest failing rank's message.
    /// Guard each step in which only some ranks can fail (a rank's own input block,
    /// the root's part) with it; with one rank it is `body` itself.
    public func agreeing<Result>(_ body: () throws -> Result) throws -> Result {
        let outcome: Swift.Result<Result, any Error>
        do { outcome = .success(try body()) } catch { outcome = .failure(error) }
        guard size > 1 else { return try outcome.get() }
        var message = MessageWriter()
        if case .failure(let error) = outcome {
            message.append(true)
            message.append(String(describing: error))
            message.append(String(reflecting: type(of: error)))
        } else {
            message.append(false)
        }
        let statuses = try allgather(message.bytes)
        if case .failure(let error) = outcome { throw error }
        for (failedRank, bytes) in statuses.enumerated() {
            var reader = MessageReader(bytes)
            guard try reader.bool() else { continue }
            throw RemoteFailure(rank: failedRank, message: try reader.string(), errorType: try reader.string())
        }
        return try outcome.get()
    }

    /// Computes a value on `root` only and hands it to every rank: `encode` turns the
    /// root's value into a message, `decode` turns it back on the others. When the
    /// root's computation throws, every rank throws (the root its own error, the
    /// others a `RemoteFailure`). With one rank nothing is encoded.
    public func fromRoot<Value>(_ root: Int = 0, compute: () throws -> Value,
                                encode: (Value, inout MessageWriter) -> Void,
                                decode: (inout MessageReader) throws -> Value) throws -> Value {
        guard size > 1 else { return try compute() }
        var bytes: [UInt8] = []
        var failure: (any Error)?
        var value: Value?
        if rank == root {
            var message = MessageWriter()
            do {
                let computed = try compute()
                message.append(false)
                encode(computed, &message)
                value = computed
            } catch {
                failure = error
                message.append(true)
                message.append(String(describing: error))
                message.append(String(reflecting: type(of: error)))
            }
            bytes = message.bytes
        }
        try broadcast(&bytes, root: root)
        if let failure { throw failure }
        if let value { return value }
        var reader = MessageReader(bytes)
        if try reader.bool() {
            throw RemoteFailure(rank: root, message: try reader.string(), errorType: try reader.string())
        }
        return try decode(&reader)
    }
}
