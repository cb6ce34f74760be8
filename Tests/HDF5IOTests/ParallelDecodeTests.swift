import HDF5IO
import TestSupport
import Testing

/// Compressed chunks read as their own file type are decoded on several
/// threads by HDF5IO; read with a type conversion they go through HDF5's
/// H5Dread. Both paths must agree element for element, for every chunk
/// geometry, sample range and unwritten (fill-value) chunks.
@Suite struct ParallelDecodeTests {
    static let storages: [(shape: [Int], storage: DatasetStorage)] = [
        ([50, 7, 3], .chunked(chunks: [4, 3, 2], gzipLevel: 3)),  // partial edges on every axis
        ([50, 7, 3], .chunked(chunks: [6, 7, 3], gzipLevel: 1, shuffle: true)),
        ([101], .chunked(chunks: [10], gzipLevel: 9, shuffle: true)),
        ([33, 16], .chunked(chunks: [1, 16], gzipLevel: 2)),
        ([12, 2, 3, 5], .chunked(chunks: [5, 1, 3, 2], gzipLevel: 4, shuffle: true)),
    ]

    /// Exact in Float: a 97-periodic ramp minus a slow trend.
    static func value(_ index: Int) -> Double {
        Double(index % 97) * 0.75 - Double(index / 97)
    }

    static let ranges: [Range<Int>?] = [nil, 0..<1, 3..<4, 1..<9, 5..<12]

    @Test(arguments: storages.indices)
    func parallelAndHDF5DecodingAgree(_ which: Int) throws {
        let (shape, storage) = Self.storages[which]
        let path = try writeTestFile(shape: shape, storage: storage) { Float(Self.value($0)) }
        let file = try HDF5File.open(path)
        let expected: [Double] = (0..<shape.reduce(1, *)).map(Self.value)
        #expect(try file.readArray("/x", as: Float.self).storage.map(Double.init) == expected)
        #expect(try file.readArray("/x", as: Double.self).storage == expected)
        let perSample = shape.dropFirst().reduce(1, *)
        for samples in Self.ranges {
            let range = samples ?? 0..<shape[0]
            let fast = try file.readFeatures("/x", as: Float.self, samples: samples)
            let slow = try file.readFeatures("/x", as: Double.self, samples: samples)
            #expect(fast.shape == [range.count] + shape.dropFirst())
            #expect(fast.storage.map(Double.init) == slow.storage)
            #expect(slow.storage == Array(expected[(range.lowerBound * perSample)..<(range.upperBound * perSample)]))
        }
    }

    @Test func doubleDataDecodesInParallelToo() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("double.h5").path
        let writer = try HDF5Writer(creating: path)
        let values = (0..<600).map { Double($0) / 7 }
        try writer.write(
            "/x", shape: [60, 10], values: values, storage: .chunked(chunks: [7, 4], gzipLevel: 5, shuffle: true))
        try writer.finish()
        let file = try HDF5File.open(path)
        #expect(try file.readArray("/x", as: Double.self).storage == values)
        #expect(try file.readArray("/x", as: Float.self).storage == values.map(Float.init))
    }

    @Test func unwrittenChunksReadAsTheFillValue() throws {
        let file = try HDF5File.open(TestPaths.fixture("hdf5/layouts.h5").path)
        let written = (0..<24).map { Float($0) / 2 - 3 }
        let expected = written + [Float](repeating: -1.5, count: 36)
        #expect(try file.readArray("/sparse_gzip", as: Float.self).storage == expected)
        #expect(try file.readArray("/sparse_gzip", as: Double.self).storage == expected.map(Double.init))
        #expect(
            try file.readFeatures("/sparse_gzip", as: Float.self, samples: 2..<8).storage
                == Array(expected[12..<48]))
    }
}
