#if MPI
import CMPI
import Foundation

/// The ranks of an `mpirun`/`srun` job (Open MPI), compiled in with the `MPI`
/// trait: `swift build -c release --traits MPI`.
///
/// Only the thread that called `start()` talks to MPI (MPI_THREAD_FUNNELED):
/// the numerical code may use threads inside a rank, but every collective is
/// called from the command's own thread.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Initialises MPI once for the process. Call `finish()` before exiting.
    public static func start() throws(CommunicatorError) -> MPICommunicator {
        var provided: Int32 = 0
        try check(MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided), "MPI_Init_thread")
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(cmpi_comm_world(), &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(cmpi_comm_world(), &size), "MPI_Comm_size")
        return MPICommunicator(rank: Int(rank), size: Int(size))
    }

    /// Ends MPI cleanly (every rank, after the last collective).
    public func finish() {
        MPI_Finalize()
    }

    public func allreduceSum(_ values: inout [Double]) throws(CommunicatorError) {
        // Gather to the root, add in rank order, broadcast: the same bits on every
        // rank and in every run with this many ranks (MPI_Allreduce promises neither).
        let parts = try gather(values, root: 0)
        if rank == 0 {
            for part in parts.dropFirst() {
                guard part.count == values.count else {
                    throw CommunicatorError(call: "allreduceSum", reason: "ranks passed \(values.count) and \(part.count) values")
                }
                for i in values.indices { values[i] += part[i] }
            }
        }
        try broadcast(&values, root: 0)
    }

    public func broadcast(_ values: inout [Double], root: Int) throws(CommunicatorError) {
        var count = Int64(values.count)
        try Self.check(MPI_Bcast(&count, 1, cmpi_int64(), Int32(root), cmpi_comm_world()), "MPI_Bcast")
        if rank != root { values = [Double](repeating: 0, count: Int(count)) }
        guard count > 0 else { return }
        let status = values.withUnsafeMutableBufferPointer { buffer in
            MPI_Bcast(buffer.baseAddress, Int32(count), cmpi_double(), Int32(root), cmpi_comm_world())
        }
        try Self.check(status, "MPI_Bcast")
    }

    public func gather(_ values: [Double], root: Int) throws(CommunicatorError) -> [[Double]] {
        var count = Int32(values.count)
        var counts = [Int32](repeating: 0, count: rank == root ? size : 1)
        try Self.check(MPI_Gather(&count, 1, cmpi_int32(), &counts, 1, cmpi_int32(), Int32(root),
                                  cmpi_comm_world()), "MPI_Gather")
        var offsets = [Int32](repeating: 0, count: counts.count)
        var total = 0
        if rank == root {
            for r in 0..<size {
                offsets[r] = Int32(total)
                total += Int(counts[r])
            }
        }
        var received = [Double](repeating: 0, count: max(total, 1))
        let status = values.withUnsafeBufferPointer { send in
            received.withUnsafeMutableBufferPointer { receive in
                MPI_Gatherv(send.baseAddress, count, cmpi_double(), receive.baseAddress, &counts, &offsets,
                            cmpi_double(), Int32(root), cmpi_comm_world())
            }
        }
        try Self.check(status, "MPI_Gatherv")
        guard rank == root else { return [] }
        return (0..<size).map { r in Array(received[Int(offsets[r])..<(Int(offsets[r]) + Int(counts[r]))]) }
    }

    public func abort(status: Int32) -> Never {
        MPI_Abort(cmpi_comm_world(), status)
        exit(status)  // MPI_Abort does not return; this satisfies the type checker
    }

    private static func check(_ status: Int32, _ call: String) throws(CommunicatorError) {
        guard status != cmpi_success() else { return }
        var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(status, &text, &length)
        let bytes = text.prefix(Int(length)).map { UInt8(bitPattern: $0) }
        throw CommunicatorError(call: call, reason: String(decoding: bytes, as: UTF8.self))
    }
}
#endif
