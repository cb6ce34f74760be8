import HDF5IO
import TestSupport
import Testing

/// `batches`: every sample exactly once, in order, the last partial batch
/// reported, and memory bounded by one batch.
@Suite struct StreamingTests {
    static let shape = [23, 3, 4]
    static var features: Int { shape.dropFirst().reduce(1, *) }

    @Test(arguments: [1, 5, 7, 23, 100])
    func batchesCoverEverySampleOnce(batchSize: Int) throws {
        let path = try writeTestFile(shape: Self.shape, storage: .chunked(chunks: [4, 3, 4]))
        let file = try HDF5File.open(path)
        let whole = try file.readFeatures("/x", as: Float.self)
        let batches = try file.batches("/x", as: Float.self, batchSize: batchSize)
        let expectedCount = (Self.shape[0] + batchSize - 1) / batchSize
        #expect(batches.batchCount == expectedCount)
        #expect(batches.shape == Self.shape)

        var seen: [Float] = []
        var sizes: [Int] = []
        for batch in batches {
            #expect(batch.shape.dropFirst().elementsEqual(Self.shape.dropFirst()))
            #expect(batch.storage.count == batch.sampleCount * Self.features)
            #expect(batch.storage.count <= batchSize * Self.features)
            seen += batch.storage
            sizes.append(batch.sampleCount)
        }
        #expect(batches.error == nil)
        #expect(seen == whole.storage)
        #expect(sizes.count == expectedCount)
        #expect(sizes.dropLast().allSatisfy { $0 == min(batchSize, Self.shape[0]) })
        let remainder = Self.shape[0] % batchSize
        #expect(sizes.last == (remainder == 0 || batchSize > Self.shape[0] ? min(batchSize, Self.shape[0]) : remainder))
    }

    @Test func forEachBatchAndRandomAccessAgreeWithIteration() throws {
        let path = try writeTestFile(shape: Self.shape) { Float($0) * 0.25 }
        let batches = try HDF5File.open(path).batches("/x", as: Double.self, batchSize: 6)
        var streamed: [[Double]] = []
        try batches.forEachBatch { streamed.append($0.storage) }
        #expect(streamed.count == 4)
        for index in 0..<batches.batchCount {
            #expect(try batches.batch(index).storage == streamed[index])
            #expect(batches.samples(ofBatch: index) == (index * 6)..<min(index * 6 + 6, 23))
        }
        #expect(streamed.last?.count == 5 * Self.features)
        let error = try #require(throws: HDF5Error.self) { try batches.batch(4) }
        #expect(error.kind == .outOfRange)
    }

    /// One buffer is refilled when the caller lets go of each batch: its
    /// capacity is that of one batch, whatever the file size.
    @Test func iterationReusesOneBatchBuffer() throws {
        let path = try writeTestFile(shape: [1000, 8]) { Float($0) }
        let batches = try HDF5File.open(path).batches("/x", as: Float.self, batchSize: 64)
        var addresses = Set<Int>()
        var largestCapacity = 0
        for batch in batches {
            batch.storage.withUnsafeBufferPointer { _ = addresses.insert(Int(bitPattern: $0.baseAddress)) }
            largestCapacity = max(largestCapacity, batch.storage.capacity)
        }
        #expect(addresses.count == 1)
        #expect(largestCapacity >= 64 * 8 && largestCapacity < 2 * 64 * 8)
    }

    @Test func channelsLastBatchesMatchTheWholeTransposedRead() throws {
        let path = try writeTestFile(shape: [9, 2, 3, 4]) { Float($0) }
        let file = try HDF5File.open(path)
        let whole = try file.readFeatures("/x", as: Float.self, layout: .nhwc)
        let batches = try file.batches("/x", as: Float.self, batchSize: 4, layout: .nhwc)
        #expect(batches.shape == [9, 4, 2, 3])
        var seen: [Float] = []
        for batch in batches {
            #expect(batch.shape.dropFirst().elementsEqual([4, 2, 3]))
            seen += batch.storage
        }
        #expect(seen == whole.storage)
    }

    @Test(arguments: [0, -3])
    func nonPositiveBatchSizeIsRejected(batchSize: Int) throws {
        let path = try writeTestFile(shape: [4, 2])
        let error = try #require(throws: HDF5Error.self) {
            try HDF5File.open(path).batches("/x", as: Float.self, batchSize: batchSize)
        }
        #expect(error.kind == .invalidArgument)
        #expect(error.dataset == "/x")
        #expect(error.message.contains("\(batchSize)"))
    }
}
