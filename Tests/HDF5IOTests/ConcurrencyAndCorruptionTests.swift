import Dispatch
import Foundation
import HDF5IO
import TestSupport
import Testing

/// Reads from many threads at once (HDF5 is serialised by HDF5IO's lock) and
/// damaged data inside a file that still opens: errors, never crashes.
@Suite struct ConcurrencyAndCorruptionTests {
    @Test func concurrentReadsFromManyThreadsAgree() throws {
        let gzip = try writeTestFile(shape: [64, 32], storage: .chunked(chunks: [8, 32], gzipLevel: 1)) { Float($0) }
        let plain = try writeTestFile(shape: [64, 32]) { Float($0) }
        let expected = (0..<(64 * 32)).map { Float($0) }
        let failures = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 16) { iteration in
            do {
                let file = try HDF5File.open(iteration.isMultiple(of: 2) ? gzip : plain)
                let start = iteration % 60
                let part = try file.readFeatures("/x", as: Float.self, samples: start..<(start + 4))
                guard part.storage == Array(expected[(start * 32)..<((start + 4) * 32)]) else {
                    return failures.add("thread \(iteration) read wrong values")
                }
                _ = try file.tree()
                _ = try file.attributes(of: "/x")
            } catch {
                failures.add("thread \(iteration): \(error)")
            }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages)")
    }

    @Test func corruptedCompressedDataIsAReadError() throws {
        // Pseudo-random data so that the compressed chunks make up most of the file.
        var state: UInt32 = 12345
        let path = try writeTestFile(shape: [256, 256], storage: .chunked(chunks: [16, 256], gzipLevel: 1)) { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8)
        }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try Foundation.FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(size * 3 / 5))
        handle.write(Data(repeating: 0xA5, count: 64))
        try handle.close()

        let file = try HDF5File.open(path)
        for read in [
            { _ = try file.readArray("/x", as: Float.self) },  // HDF5IO's parallel inflate
            { _ = try file.readArray("/x", as: Double.self) },  // HDF5's own H5Dread
        ] as [() throws -> Void] {
            let error = try #require(throws: HDF5Error.self) { try read() }
            #expect(error.kind == .readFailed)
            #expect(error.dataset == "/x")
            #expect(error.description.contains(path))
            #expect(error.fix != nil)
        }

        // Batch reads through an opened dataset fail the same way.
        let dataset = try file.featureDataset("/x")
        var batch = [Float](repeating: 0, count: 64 * 256)
        let error = try #require(throws: HDF5Error.self) {
            for start in stride(from: 0, to: 256, by: 64) {
                try batch.withUnsafeMutableBufferPointer { try dataset.read(rows: start..<(start + 64), into: $0) }
            }
        }
        #expect(error.kind == .readFailed)
    }

    @Test func corruptedChecksummedDataIsAReadError() throws {
        let path = try writeTestFile(
            shape: [256, 64], storage: .chunked(chunks: [32, 64], fletcher32: true)
        ) { Float($0) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try Foundation.FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(size / 2))
        handle.write(Data(repeating: 0x5A, count: 16))
        try handle.close()
        let error = try #require(throws: HDF5Error.self) {
            try HDF5File.open(path).readFeatures("/x", as: Float.self)
        }
        #expect(error.kind == .readFailed)
        #expect(!error.stack.isEmpty)
    }
}

/// Collects messages from concurrent workers.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func add(_ message: String) {
        lock.lock()
        stored.append(message)
        lock.unlock()
    }

    var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
