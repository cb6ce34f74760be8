@testable import HDF5IO
import TestSupport
import Testing

/// `FeatureDataset`: opened once, then every batch read (ranges, arbitrary
/// indices, channels-last) agrees with per-row reads, never reopens the
/// dataset, keeps its scratch to one batch and names non-finite values.
@Suite struct FeatureDatasetTests {
    static let storages: [(label: String, storage: DatasetStorage)] = [
        ("contiguous", .contiguous),
        ("chunked", .chunked(chunks: [4, 3, 4])),
        ("chunked+gzip", .chunked(chunks: [5, 3, 4], gzipLevel: 4, shuffle: true)),
    ]

    static func rows<T: FeatureScalar>(_ dataset: FeatureDataset, _ rows: Range<Int>, as: T.Type) throws -> [T] {
        var values = [T](repeating: 0, count: rows.count * dataset.featuresPerSample)
        try values.withUnsafeMutableBufferPointer { try dataset.read(rows: rows, into: $0) }
        return values
    }

    static func indices<T: FeatureScalar>(_ dataset: FeatureDataset, _ indices: [Int], as: T.Type) throws -> [T] {
        var values = [T](repeating: 0, count: indices.count * dataset.featuresPerSample)
        try values.withUnsafeMutableBufferPointer { try dataset.read(indices: indices, into: $0) }
        return values
    }

    @Test(arguments: storages.indices, [FeatureLayout.nchw, .nhwc])
    func indicesReadExactlyWhatPerRowReadsReturn(_ which: Int, layout: FeatureLayout) throws {
        let path = try writeTestFile(shape: [23, 3, 4], storage: Self.storages[which].storage) { Float($0) * 0.5 - 7 }
        let dataset = try HDF5File.open(path).featureDataset("/x", layout: layout)
        let perRow = try (0..<23).map { try Self.rows(dataset, $0..<($0 + 1), as: Double.self) }
        for indices in [[5, 2, 9, 2, 22, 0, 5], [22, 21, 20], [7], [3, 4, 5, 6], [0, 22, 11, 11, 11, 1, 12, 13]] {
            #expect(try Self.indices(dataset, indices, as: Double.self) == indices.flatMap { perRow[$0] }, "\(indices)")
            #expect(
                try Self.indices(dataset, indices, as: Float.self) == indices.flatMap { perRow[$0] }.map(Float.init),
                "\(indices)")
        }
        let whole = try Self.rows(dataset, 0..<23, as: Double.self)
        #expect(whole == perRow.flatMap { $0 })
        #expect(dataset.shape == (layout == .nhwc ? [23, 4, 3] : [23, 3, 4]))
    }

    @Test func channelsLastIndicesMatchTheTransposedWholeRead() throws {
        let path = try writeTestFile(shape: [9, 2, 3, 4], storage: .chunked(chunks: [2, 2, 3, 4], gzipLevel: 1)) {
            Float($0)
        }
        let file = try HDF5File.open(path)
        let nchw = try file.readFeatures("/x", as: Float.self, layout: .nhwc)
        #expect(nchw.shape == [9, 4, 2, 3])
        let dataset = try file.featureDataset("/x", layout: .nhwc)
        let width = 24
        let order = [8, 0, 4, 4, 1]
        let expected = order.flatMap { nchw.storage[($0 * width)..<(($0 + 1) * width)] }
        #expect(try Self.indices(dataset, order, as: Float.self) == expected)
    }

    /// Batch reads reuse the open dataset: the file's count of dataset opens
    /// does not move, whatever the access pattern.
    @Test(arguments: storages.indices)
    func batchReadsNeverOpenTheDataset(_ which: Int) throws {
        let path = try writeTestFile(shape: [40, 3, 4], storage: Self.storages[which].storage)
        let file = try HDF5File.open(path)
        let dataset = try file.featureDataset("/x")
        let opened = file.datasetOpens
        #expect(opened == 1)
        for start in stride(from: 0, to: 40, by: 7) {
            _ = try Self.rows(dataset, start..<min(40, start + 7), as: Float.self)
            _ = try Self.rows(dataset, start..<min(40, start + 7), as: Double.self)
        }
        _ = try Self.indices(dataset, [39, 1, 17, 17, 2, 30], as: Double.self)
        _ = try Self.indices(dataset, Array((0..<40).reversed()), as: Float.self)
        #expect(file.datasetOpens == opened)
    }

    @Test func scratchStaysWithinOneBatch() throws {
        let path = try writeTestFile(shape: [500, 2, 8], storage: .chunked(chunks: [64, 2, 8], gzipLevel: 1))
        let nchw = try HDF5File.open(path).featureDataset("/x")
        for start in stride(from: 0, to: 500, by: 50) { _ = try Self.rows(nchw, start..<(start + 50), as: Float.self) }
        #expect(nchw.largestScratchBytes == 0, "range reads go straight into the caller's buffer")
        _ = try Self.indices(nchw, Array(stride(from: 499, through: 0, by: -10)), as: Double.self)
        #expect(nchw.largestScratchBytes == 50 * 16 * 8)
        let nhwc = try HDF5File.open(path).featureDataset("/x", layout: .nhwc)
        for start in stride(from: 0, to: 500, by: 50) { _ = try Self.rows(nhwc, start..<(start + 50), as: Double.self) }
        #expect(nhwc.largestScratchBytes == 50 * 16 * 8)
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteValuesAreLocated(_ bad: Float) throws {
        let path = try writeTestFile(shape: [30, 4], storage: .chunked(chunks: [8, 4], gzipLevel: 1)) {
            $0 == 17 * 4 + 2 ? bad : Float($0)
        }
        let dataset = try HDF5File.open(path).featureDataset("/x")
        let kind = bad.isNaN ? "NaN" : (bad > 0 ? "+inf" : "-inf")
        for read in [
            { _ = try Self.rows(dataset, 10..<20, as: Double.self) },
            { _ = try Self.rows(dataset, 16..<30, as: Float.self) },
            { _ = try Self.indices(dataset, [3, 17, 1], as: Double.self) },
        ] as [() throws -> Void] {
            let error = try #require(throws: HDF5Error.self) { try read() }
            #expect(error.kind == .nonFinite)
            #expect(error.message == "sample 17 holds \(kind) (flattened feature 2 of 4)")
            #expect(error.description.contains("\(path):/x"))
            #expect(error.fix?.contains("Remove or impute") == true)
        }
        #expect(try Self.rows(dataset, 0..<17, as: Double.self).count == 68)
        let lenient = try HDF5File.open(path).featureDataset("/x", rejectNonFinite: false)
        let passed = try Self.rows(lenient, 17..<18, as: Float.self)
        #expect(passed[2].bitPattern == bad.bitPattern && passed[3] == 71)
    }

    @Test func outOfRangeRowsAndIndicesAreErrors() throws {
        let dataset = try HDF5File.open(try writeTestFile(shape: [6, 2])).featureDataset("/x")
        for read in [
            { _ = try Self.rows(dataset, 4..<7, as: Float.self) },
            { _ = try Self.indices(dataset, [0, 6], as: Float.self) },
            { _ = try Self.indices(dataset, [-1], as: Float.self) },
        ] as [() throws -> Void] {
            #expect(throws: HDF5Error.self) { try read() }
        }
        var small = [Float](repeating: 0, count: 3)
        let error = try #require(throws: HDF5Error.self) {
            try small.withUnsafeMutableBufferPointer { try dataset.read(rows: 0..<2, into: $0) }
        }
        #expect(error.kind == .invalidArgument)
    }

    @Test func blocksCoalesceConsecutiveIndices() {
        #expect(FeatureDataset.blocks(of: [0, 1, 2, 5, 7, 8]) == [0..<3, 5..<6, 7..<9])
        #expect(FeatureDataset.blocks(of: []) == [])
    }
}

/// A rank's block of columns (`read(indices:columns:)`): the same values as
/// the whole rows cut to those columns, for every storage and layout, blocks
/// that start and end inside a channel, and non-finite values named by their
/// place among all of the row's features.
@Suite struct FeatureDatasetColumnTests {
    static func block(_ dataset: FeatureDataset, _ indices: [Int], _ columns: Range<Int>) throws -> [Double] {
        var values = [Double](repeating: 0, count: indices.count * columns.count)
        try values.withUnsafeMutableBufferPointer { try dataset.read(indices: indices, columns: columns, into: $0) }
        return values
    }

    static let storages: [DatasetStorage] = [
        .contiguous, .chunked(chunks: [4, 3, 2, 4]), .chunked(chunks: [5, 2, 2, 3], gzipLevel: 4, shuffle: true),
    ]

    @Test(arguments: storages.indices, [FeatureLayout.nchw, .nhwc])
    func columnBlocksAreTheWholeRowsCut(_ which: Int, layout: FeatureLayout) throws {
        // [N, C, H, W] = [17, 3, 2, 4]: 24 features per sample, 8 per channel.
        let path = try writeTestFile(shape: [17, 3, 2, 4], storage: Self.storages[which]) {
            Float($0) * 0.25 - 9
        }
        let dataset = try HDF5File.open(path).featureDataset("/x", layout: layout)
        let width = dataset.featuresPerSample
        #expect(width == 24)
        let whole = try FeatureDatasetTests.rows(dataset, 0..<17, as: Double.self)
        for indices in [[4, 1, 16, 1], [0, 1, 2, 3], [9]] {
            for columns in [0..<8, 8..<24, 3..<13, 23..<24, 0..<24, 5..<5] {
                let expected = indices.flatMap { row in whole[(row * width + columns.lowerBound)..<(row * width + columns.upperBound)] }
                #expect(try Self.block(dataset, indices, columns) == expected, "\(indices) \(columns)")
            }
        }
    }

    @Test func twoDimensionalFeaturesSplitByColumn() throws {
        let path = try writeTestFile(shape: [11, 7], storage: .chunked(chunks: [4, 3])) { Float($0) }
        let dataset = try HDF5File.open(path).featureDataset("/x")
        #expect(try Self.block(dataset, [10, 2], 2..<5) == [72, 73, 74, 16, 17, 18])
    }

    @Test func nonFiniteValuesAreNamedAmongAllFeatures() throws {
        let path = try writeTestFile(shape: [6, 2, 5]) { $0 == 3 * 10 + 7 ? .nan : Float($0) }
        let dataset = try HDF5File.open(path).featureDataset("/x")
        let error = try #require(throws: HDF5Error.self) { _ = try Self.block(dataset, [1, 3], 5..<10) }
        #expect(error.kind == .nonFinite)
        #expect(error.message == "sample 3 holds NaN (flattened feature 7 of 10)")
        #expect(try Self.block(dataset, [3], 0..<5) == [30, 31, 32, 33, 34])
    }

    @Test func blocksOutsideTheRowAreRefused() throws {
        let path = try writeTestFile(shape: [6, 4]) { Float($0) }
        let dataset = try HDF5File.open(path).featureDataset("/x")
        var buffer = [Double](repeating: 0, count: 6)
        #expect(throws: HDF5Error.self) {
            try buffer.withUnsafeMutableBufferPointer { try dataset.read(indices: [0, 1], columns: 2..<5, into: $0) }
        }
    }
}
