import HDF5IO
import TestSupport
import Testing

/// Reads Fixtures/hdf5/layouts.h5 (make_test_files.py): contiguous, compact,
/// chunked with partial edge chunks, gzip+shuffle, fletcher32, big-endian,
/// float16, ranks 1–5 and a channels-last array. Values are i/2 − 3.
@Suite struct H5pyLayoutTests {
    static let path = TestPaths.fixture("hdf5/layouts.h5").path

    static func values(_ shape: [Int]) -> [Double] {
        (0..<shape.reduce(1, *)).map { Double($0) / 2 - 3 }
    }

    static let cases: [(name: String, shape: [Int], layout: StorageLayout, chunks: [Int]?, filters: [String])] = [
        ("contiguous", [6, 4], .contiguous, nil, []),
        ("compact", [4, 5], .compact, nil, []),
        ("gzip_shuffle", [10, 3, 4], .chunked, [4, 3, 4], ["shuffle", "gzip"]),
        ("partial_edges", [7, 5], .chunked, [3, 2], []),
        ("fletcher32", [9, 2], .chunked, [4, 2], ["fletcher32"]),
        ("big_endian", [5, 4], .chunked, [2, 4], ["gzip"]),
        ("float16_chunked", [6, 3], .chunked, [4, 3], []),
        ("rank1", [12], .contiguous, nil, []),
        ("rank2", [4, 6], .contiguous, nil, []),
        ("rank4", [3, 2, 2, 4], .contiguous, nil, []),
        ("rank5", [2, 3, 2, 2, 2], .contiguous, nil, []),
    ]

    @Test(arguments: cases.map(\.name))
    func storageAndValues(name: String) throws {
        let row = try #require(Self.cases.first { $0.name == name })
        let file = try HDF5File.open(Self.path)
        let info = try file.info(name)
        #expect(info.shape == row.shape)
        #expect(info.layout == row.layout)
        #expect(info.chunks == row.chunks)
        #expect(info.filters.map(\.name) == row.filters)

        let expected = Self.values(row.shape)
        let asDouble = try file.readArray(name, as: Double.self)
        #expect(asDouble.shape == row.shape)
        #expect(asDouble.storage == expected)
        let asFloat = try file.readFeatures(name, as: Float.self)
        #expect(asFloat.storage == expected.map { Float($0) })

        // A sample range crossing chunk boundaries.
        let samples = 1..<row.shape[0]
        let perSample = row.shape.dropFirst().reduce(1, *)
        let part = try file.readFeatures(name, as: Double.self, samples: samples)
        #expect(part.shape == [samples.count] + row.shape.dropFirst())
        #expect(part.storage == Array(expected[perSample...]))
    }

    @Test func bigEndianIsReportedAsSuch() throws {
        let info = try HDF5File.open(Self.path).info("/big_endian")
        #expect(info.elementType.byteOrder == .bigEndian)
        #expect(info.dtype == "float32 (big-endian)")
    }

    @Test func channelsLastMatchesNumpyTranspose() throws {
        let file = try HDF5File.open(Self.path)
        let transposed = try file.readFeatures("/nhwc", as: Float.self, layout: .nhwc)
        let reference = try file.readFeatures("/nhwc_as_nchw", as: Float.self)
        #expect(transposed.shape == [3, 2, 4, 5])
        #expect(transposed.shape == reference.shape)
        #expect(transposed.storage == reference.storage)
        let part = try file.readFeatures("/nhwc", as: Float.self, samples: 1..<3, layout: .nhwc)
        #expect(part.storage == Array(reference.storage[40...]))
    }

    @Test func scalarsReadAsArraysButNotAsFeatures() throws {
        let file = try HDF5File.open(Self.path)
        let scalar = try file.readArray("/scalar", as: Double.self)
        #expect(scalar.shape == [] && scalar.storage == [2.5])
        let error = try #require(throws: HDF5Error.self) { try file.readFeatures("/scalar", as: Double.self) }
        #expect(error.kind == .notFeatures)
        #expect(error.dataset == "/scalar")
        #expect(error.description.contains(Self.path))
        #expect(error.message.contains("scalar"))
        #expect(throws: HDF5Error.self) { try file.featureDataset("/scalar") }
    }

    @Test func zeroSampleDatasetIsNotFeatures() throws {
        let file = try HDF5File.open(Self.path)
        #expect(try file.readArray("/no_samples", as: Float.self).shape == [0, 4])
        let error = try #require(throws: HDF5Error.self) { try file.readFeatures("/no_samples", as: Float.self) }
        #expect(error.kind == .notFeatures)
        #expect(error.message.contains("0 samples"))
        let batchError = try #require(throws: HDF5Error.self) { try file.featureDataset("/no_samples") }
        #expect(batchError.kind == .notFeatures)
    }

    @Test(arguments: [-1..<2, 0..<0, 5..<5, 3..<7, 0..<8])
    func sampleRangesOutsideTheDatasetAreRejected(samples: Range<Int>) throws {
        let file = try HDF5File.open(Self.path)
        let error = try #require(throws: HDF5Error.self) {
            try file.readFeatures("/contiguous", as: Float.self, samples: samples)
        }
        #expect(error.kind == .outOfRange)
        #expect(error.dataset == "/contiguous")
        #expect(error.message.contains("0..<6"))
    }

    @Test func integerFeaturesConvert() throws {
        let read = try HDF5File.open(Self.path).readFeatures("/int8_samples", as: Float.self)
        #expect(read.shape == [4, 3])
        let expected: [Float] = (0..<12).map { index in Float((index * 37) % 251 - 125) }
        #expect(read.storage == expected)
    }
}
