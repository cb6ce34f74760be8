import Cluster
import Linalg

// What the writer of a sharded run needs on one rank: the f outputs of a batch,
// the running W and f's BatchNorm statistics, each assembled from every rank's
// columns. Every rank calls these collectives together; the results are on the
// root (or, for the small statistics, everywhere).

/// Where every rank's columns of f go in the whole batch: what gathering an f
/// output needs, without the module's state (a caller that gathers while the
/// module trains must not hold a second reference to W, which would make the
/// next update copy it).
public struct ColumnGatherer: Sendable {
    public let plan: RegBNShardPlan
    public let communicator: any Communicator

    /// A batch-sized block of this rank's columns of f (an output `f`, or any b × width
    /// matrix) assembled into b × P on `root`, in column order; nil on the other ranks.
    public func gatheredColumns<T: LinalgScalar>(_ block: Matrix<T>, root: Int = 0) throws -> Matrix<T>? {
        let shard = plan.shard(rank: communicator.rank)
        guard block.columns == shard.width else {
            throw RegBNError.shapeMismatch("a block of \(block.columns) columns cannot be gathered as rank "
                                           + "\(communicator.rank)'s columns \(shard.columns)")
        }
        guard communicator.size > 1 else { return block }
        let rows = try communicator.broadcast(block.rows, root: root)
        let parts = try communicator.gather(block.rows == rows ? block.storage : [], root: root)
        // Blocks of different heights fail on every rank, not on the root alone.
        return try communicator.agreeing { () throws -> Matrix<T>? in
            guard communicator.rank == root else { return nil }
            var whole = Matrix<T>(rows: rows, columns: plan.totalColumns)
            for (rank, part) in parts.enumerated() {
                let columns = plan.shard(rank: rank).columns
                guard part.count == rows * columns.count else {
                    throw RegBNError.shapeMismatch("rank \(rank) passed \(part.count) values for a \(rows) × "
                                                   + "\(columns.count) block of its columns \(columns)")
                }
                whole.replaceColumns(columns, with: Matrix(rows: rows, columns: columns.count, storage: part))
            }
            return whole
        }
    }
}

extension RegBNModule {
    /// How this run's f outputs are gathered (see `ColumnGatherer`).
    public var columnGatherer: ColumnGatherer { ColumnGatherer(plan: plan, communicator: communicator) }

    /// A batch-sized block of this rank's columns of f assembled into b × P on `root`;
    /// nil on the other ranks.
    public func gatheredColumns(_ block: Matrix<T>, root: Int = 0) throws -> Matrix<T>? {
        try columnGatherer.gatheredColumns(block, root: root)
    }

    /// The running W (Q × P) handed to `body` on `root` as consecutive blocks of whole
    /// rows, each of at most `maximumElements` elements (at least one row), so that the
    /// root never holds more than one block besides its own columns: W of a layer too
    /// large for one rank is written block by block. `body(rows, block)` receives rows
    /// `rows` of W, all P columns.
    ///
    /// An error thrown by `body` stops its calls, but the root still takes part in every
    /// transfer; then every rank throws (the root `body`'s error, the others a
    /// `RemoteFailure`), so that no rank is left waiting.
    public func forEachRowBlockOfW(maximumElements: Int = 1 << 24, root: Int = 0,
                                   _ body: (_ rows: Range<Int>, _ block: Matrix<T>) throws -> Void) throws {
        let q = projection.rows, p = plan.totalColumns
        let rowsPerBlock = max(1, min(q, maximumElements / max(1, p)))
        var failure: (any Error)?
        var start = 0
        while start < q {
            let rows = start..<min(q, start + rowsPerBlock)
            let block = try gatheredColumns(projection.rows(rows), root: root)
            if let block, failure == nil {
                do { try body(rows, block) } catch { failure = error }
            }
            start = rows.upperBound
        }
        try communicator.agreeing { if let failure { throw failure } }
    }

    /// f's BatchNorm running statistics over all of its channels, on every rank (nil
    /// when f is not BatchNorm-normalised). A channel split between ranks has the same
    /// statistics on each of them; the lowest rank's are taken.
    public func gatheredBatchNormStateF() throws -> BatchNormState<T>? {
        guard let state = normF.batchNormState else { return nil }
        guard communicator.size > 1 else { return state }
        let parts = try communicator.allgather(
            [Double(state.firstChannel), Double(state.batchesTracked)]
                + state.runningMean.map { Double($0) } + state.runningVar.map { Double($0) })
        var mean = [T](repeating: 0, count: configuration.fChannels), variance = mean
        var filled = Set<Int>()
        for (rank, part) in parts.enumerated() {
            let channels = plan.shard(rank: rank).channels
            guard part.count == 2 + 2 * channels.count, Int(part[0]) == channels.lowerBound else {
                throw RegBNError.shapeMismatch("rank \(rank) sent BatchNorm statistics that are not those of its "
                                               + "channels \(channels)")
            }
            for (k, channel) in channels.enumerated() where filled.insert(channel).inserted {
                mean[channel] = T(part[2 + k])
                variance[channel] = T(part[2 + channels.count + k])
            }
        }
        return BatchNormState(runningMean: mean, runningVar: variance, batchesTracked: state.batchesTracked,
                              momentum: state.momentum, eps: state.eps, firstChannel: 0)
    }
}
