#if MPI
import CMPI
import Foundation

/// The ranks of an `mpirun`/`srun` job (Open MPI), compiled in with the `MPI`
/// trait: `swift build -c release --traits MPI`.
///
/// Only the thread that called `start()` talks to MPI (MPI_THREAD_FUNNELED):
/// the numerical code may use threads inside a rank, but every collective is
/// called from the command's own thread.
///
/// Everything travels as bytes (`MPI_BYTE`) in pieces of at most
/// `maximumPieceBytes`, because MPI counts are 32-bit; sums are formed in Swift on
/// rank 0, in rank order (MPI_Allreduce promises neither an order nor the same
/// bits on every rank).
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int

    /// The largest transfer handed to one MPI call. Larger arrays go in pieces.
    let maximumPieceBytes: Int
    /// Doubles per round of `allreduceSum` (rank 0 holds `size` of these rounds at once).
    let reductionRoundElements: Int

    private init(rank: Int, size: Int, maximumPieceBytes: Int, reductionRoundElements: Int) {
        self.rank = rank
        self.size = size
        self.maximumPieceBytes = maximumPieceBytes
        self.reductionRoundElements = reductionRoundElements
    }

    /// Initialises MPI once for the process. Call `finish()` before exiting.
    /// - Parameters: `maximumPieceBytes` (at most 1 GiB) and `reductionRoundElements`
    ///   bound the pieces large transfers are cut into; smaller values only exercise
    ///   the cutting (`cluster-check` does) at the cost of more calls.
    public static func start(maximumPieceBytes: Int = 1 << 30,
                             reductionRoundElements: Int = 1 << 20) throws(CommunicatorError) -> MPICommunicator {
        var provided: Int32 = 0
        try check(MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided), "MPI_Init_thread")
        try check(MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(cmpi_comm_world(), &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(cmpi_comm_world(), &size), "MPI_Comm_size")
        return MPICommunicator(rank: Int(rank), size: Int(size),
                               maximumPieceBytes: min(1 << 30, max(16, maximumPieceBytes)),
                               reductionRoundElements: max(1, reductionRoundElements))
    }

    /// Ends MPI cleanly (every rank, after the last collective).
    public func finish() {
        MPI_Finalize()
    }

    public func allreduceSum(_ values: inout [Double]) throws(CommunicatorError) {
        let count = values.count
        var start = 0
        repeat {
            let end = min(count, start + reductionRoundElements)
            var part = Array(values[start..<end])
            let parts = try gather(part, root: 0)
            if rank == 0 {
                // A length mismatch is sent as an empty part, so that every rank fails together.
                if parts.allSatisfy({ $0.count == part.count }) {
                    for other in parts.dropFirst() {
                        for i in part.indices { part[i] += other[i] }
                    }
                } else {
                    part = []
                }
            }
            try broadcast(&part, root: 0)
            guard part.count == end - start else {
                throw CommunicatorError(call: "allreduceSum", reason: "the ranks passed arrays of different lengths")
            }
            values.replaceSubrange(start..<end, with: part)
            start = end
        } while start < count
    }

    public func broadcast<Element: BitwiseCopyable>(_ values: inout [Element], root: Int) throws(CommunicatorError) {
        try requireRank(root, "broadcast")
        var count = Int64(values.count)
        try Self.check(MPI_Bcast(&count, 8, cmpi_byte(), Int32(root), cmpi_comm_world()), "MPI_Bcast")
        if rank == root {
            var failure: CommunicatorError?
            values.withUnsafeBytes { bytes in
                do throws(CommunicatorError) {
                        try inPieces(bytes.count) { offset, length throws(CommunicatorError) in
                        let piece = UnsafeMutableRawPointer(mutating: bytes.baseAddress.map { $0 + offset })
                        try Self.check(MPI_Bcast(piece, Int32(length), cmpi_byte(), Int32(root), cmpi_comm_world()),
                                       "MPI_Bcast")
                    }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            return
        }
        guard count >= 0, let elements = Int(exactly: count) else {
            throw CommunicatorError(call: "MPI_Bcast", reason: "rank \(root) announced \(count) elements")
        }
        values = try Self.receivedArray(count: elements) { bytes throws(CommunicatorError) in
            try inPieces(bytes.count) { offset, length throws(CommunicatorError) in
                try Self.check(MPI_Bcast(bytes.baseAddress.map { $0 + offset }, Int32(length), cmpi_byte(), Int32(root),
                                         cmpi_comm_world()), "MPI_Bcast")
            }
        }
    }

    public func gather<Element: BitwiseCopyable>(_ values: [Element], root: Int) throws(CommunicatorError) -> [[Element]] {
        try requireRank(root, "gather")
        let stride = MemoryLayout<Element>.stride
        // Every rank learns every count, so that all agree on the number of rounds.
        var mine = Int64(values.count * stride)
        var counts = [Int64](repeating: 0, count: size)
        try Self.check(MPI_Allgather(&mine, 8, cmpi_byte(), &counts, 8, cmpi_byte(), cmpi_comm_world()), "MPI_Allgather")
        // Each round moves at most `piece` bytes from every rank: rank 0's buffer stays within 32-bit offsets,
        // and no larger than the largest part (a scalar reduction must not allocate a round of a gigabyte).
        let largest = Int(counts.max() ?? 0)
        let piece = max(stride, min(maximumPieceBytes, Int(Int32.max) / size, largest) / stride * stride)
        let rounds = counts.map { (Int($0) + piece - 1) / piece }.max() ?? 0
        var received = rank == root ? counts.map { [UInt8](repeating: 0, count: Int($0)) } : []
        var roundBuffer = [UInt8](repeating: 0, count: rank == root ? piece * size : 1)
        for round in 0..<rounds {
            let sendStart = min(Int(mine), round * piece), sendEnd = min(Int(mine), sendStart + piece)
            var lengths = counts.map { Int32(clamping: max(0, min(Int($0), (round + 1) * piece) - round * piece)) }
            var offsets = (0..<size).map { Int32($0 * piece) }
            let status = values.withUnsafeBytes { send in
                roundBuffer.withUnsafeMutableBytes { receive in
                    MPI_Gatherv(send.baseAddress.map { $0 + sendStart }, Int32(sendEnd - sendStart), cmpi_byte(),
                                receive.baseAddress, &lengths, &offsets, cmpi_byte(), Int32(root), cmpi_comm_world())
                }
            }
            try Self.check(status, "MPI_Gatherv")
            guard rank == root else { continue }
            for r in 0..<size where lengths[r] > 0 {
                let start = round * piece
                received[r].replaceSubrange(start..<(start + Int(lengths[r])),
                                            with: roundBuffer[(r * piece)..<(r * piece + Int(lengths[r]))])
            }
        }
        return try received.map { bytes throws(CommunicatorError) in try Self.elements(bytes, as: Element.self) }
    }

    public func allgather<Element: BitwiseCopyable>(_ values: [Element]) throws(CommunicatorError) -> [[Element]] {
        let parts = try gather(values, root: 0)
        var lengths = parts.map { Int64($0.count) }
        var concatenated = parts.flatMap { $0 }
        try broadcast(&lengths, root: 0)
        try broadcast(&concatenated, root: 0)
        var result: [[Element]] = []
        var start = 0
        for length in lengths {
            let end = start + Int(length)
            guard length >= 0, end <= concatenated.count else {
                throw CommunicatorError(call: "allgather", reason: "rank 0 sent inconsistent lengths \(lengths)")
            }
            result.append(Array(concatenated[start..<end]))
            start = end
        }
        return result
    }

    public func barrier() throws(CommunicatorError) {
        try Self.check(MPI_Barrier(cmpi_comm_world()), "MPI_Barrier")
    }

    public func abort(status: Int32) -> Never {
        MPI_Abort(cmpi_comm_world(), status)
        exit(status)  // MPI_Abort does not return; this satisfies the type checker
    }

    // MARK: - Bytes

    /// Calls `body(offset, length)` for consecutive pieces of at most `maximumPieceBytes` covering `count` bytes.
    private func inPieces(_ count: Int, _ body: (Int, Int) throws(CommunicatorError) -> Void) throws(CommunicatorError) {
        var offset = 0
        while offset < count {
            let length = min(maximumPieceBytes, count - offset)
            try body(offset, length)
            offset += length
        }
    }

    /// `count` elements whose bytes `fill` writes.
    private static func receivedArray<Element: BitwiseCopyable>(
        count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws(CommunicatorError) -> Void
    ) throws(CommunicatorError) -> [Element] {
        var failure: CommunicatorError?
        let array = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(CommunicatorError) {
                try fill(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return array
    }

    /// The elements whose bytes `bytes` holds.
    private static func elements<Element: BitwiseCopyable>(_ bytes: [UInt8], as _: Element.Type) throws(CommunicatorError) -> [Element] {
        let stride = MemoryLayout<Element>.stride
        guard bytes.count % stride == 0 else {
            throw CommunicatorError(call: "gather", reason: "\(bytes.count) bytes are not whole \(Element.self) values")
        }
        return try receivedArray(count: bytes.count / stride) { target throws(CommunicatorError) in
            bytes.withUnsafeBytes { source in target.copyMemory(from: source) }
        }
    }

    private func requireRank(_ root: Int, _ call: String) throws(CommunicatorError) {
        guard (0..<size).contains(root) else {
            throw CommunicatorError(call: call, reason: "root \(root) of \(size) ranks")
        }
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
