import FeatureFiles
import Foundation
import HDF5IO
import TestSupport
import Testing

/// A 2 GiB .npy streams with memory bounded by the batch: the reader maps
/// the file and converts each batch straight into the caller's buffer, so
/// it allocates nothing of its own. The file is sparse (written by
/// truncating to size), so creating it is instant and reads see zeros.
@Suite struct LargeFileTests {
    static let rows = 1 << 19
    static let features = 1024

    @Test func twoGigabyteNpyStreamsInBatches() throws {
        let directory = try TestPaths.temporaryDirectory("large-npy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("big.npy").path
        let header = NPYWriter.header(shape: [Self.rows, Self.features])
        try header.write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let dataBytes = Self.rows * Self.features * 4
        try handle.truncate(atOffset: UInt64(header.count + dataBytes))
        // A marker in the last row proves that offsets beyond 2^31 bytes are right.
        try handle.seek(toOffset: UInt64(header.count + dataBytes - 4))
        withUnsafeBytes(of: Float(42.5).bitPattern.littleEndian) { handle.write(Data($0)) }
        try handle.close()
        #expect(dataBytes == 2 << 30)

        let source = try FeatureSources.open(try FeatureLocation(parsing: path))
        #expect(source.shape == [Self.rows, Self.features])
        let batch = 512
        var buffer = [Float](repeating: -1, count: batch * Self.features)
        for start in [0, Self.rows / 2 - batch / 2, Self.rows - batch] {
            try buffer.withUnsafeMutableBufferPointer { try source.read(rows: start..<(start + batch), into: $0) }
            #expect(buffer.dropLast().allSatisfy { $0 == 0 })
            #expect(buffer.last == (start == Self.rows - batch ? 42.5 : 0))
        }
        var one = [Double](repeating: 0, count: Self.features)
        try one.withUnsafeMutableBufferPointer { try source.read(indices: [Self.rows - 1], into: $0) }
        #expect(one.last == 42.5)
        #expect(source.largestScratchBytes == 0, "the reader allocated nothing beyond the caller's batch")
        #expect(buffer.count * MemoryLayout<Float>.stride == 2 << 20, "a 2 MiB batch for a 2 GiB file")
    }
}
