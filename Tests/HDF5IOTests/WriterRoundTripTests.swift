import Foundation
import HDF5IO
import TestSupport
import Testing

/// Files written by `HDF5Writer` read back identically, for every element
/// type and storage layout.
@Suite struct WriterRoundTripTests {
    static let storages: [DatasetStorage] = [
        .contiguous,
        .compact,
        .chunked(chunks: [3, 2, 4]),  // 7 × 2 × 5 leaves partial edge chunks on axes 0 and 2
        .chunked(chunks: nil, gzipLevel: 4, shuffle: true, fletcher32: true),
    ]
    static let shape = [7, 2, 5]

    static func roundTrip<T: HDF5Scalar & Equatable>(storage: DatasetStorage, value: (Int) -> T) throws {
        let directory = try TestPaths.temporaryDirectory()
        let path = directory.appendingPathComponent("round.h5").path
        let values = (0..<shape.reduce(1, *)).map(value)
        let writer = try HDF5Writer(creating: path)
        try writer.write("/group/inner/data", shape: shape, values: values, storage: storage)
        try writer.finish()

        let file = try HDF5File.open(path)
        let read = try file.readArray("/group/inner/data", as: T.self)
        #expect(read.shape == shape)
        #expect(read.storage == values)
        let info = try file.info("/group/inner/data")
        switch storage {
        case .contiguous: #expect(info.layout == .contiguous)
        case .compact: #expect(info.layout == .compact)
        case .chunked(let chunks, let gzip, let shuffle, let fletcher32):
            #expect(info.layout == .chunked)
            if let chunks { #expect(info.chunks == chunks) }
            var filters: [String] = []
            if fletcher32 { filters.append("fletcher32") }
            if shuffle { filters.append("shuffle") }
            if gzip != nil { filters.append("gzip") }
            #expect(info.filters.map(\.name) == filters)
            #expect(info.filters.allSatisfy { $0.isAvailable })
        }
    }

    @Test(arguments: storages) func float32(storage: DatasetStorage) throws {
        try Self.roundTrip(storage: storage) { Float($0) * 0.5 - 3 }
    }

    @Test(arguments: storages) func float64(storage: DatasetStorage) throws {
        try Self.roundTrip(storage: storage) { Double($0) / 3 - 1e10 }
    }

    @Test(arguments: storages) func int64(storage: DatasetStorage) throws {
        try Self.roundTrip(storage: storage) { Int64($0) * 3_000_000_000_000 - 7 }
    }

    @Test func contractWriteChoosesLayoutFromChunksAndGzip() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("layouts.h5").path
        let writer = try HDF5Writer(creating: path)
        let values = (0..<40).map { Float($0) * 0.5 - 3 }
        try writer.write("/plain", shape: [8, 5], values: values)
        try writer.write("/gzip", shape: [8, 5], values: values, gzipLevel: 6)
        try writer.write("/chunks", shape: [8, 5], values: values, chunks: [3, 5])
        try writer.finish()
        let file = try HDF5File.open(path)
        #expect(try file.info("/plain").layout == .contiguous)
        let gzip = try file.info("/gzip")
        #expect(gzip.layout == .chunked && gzip.filters.map(\.name) == ["gzip"] && gzip.filters[0].parameters == [6])
        #expect(try file.info("/chunks").chunks == [3, 5])
        for name in ["/plain", "/gzip", "/chunks"] {
            #expect(try file.readArray(name, as: Float.self).storage == values)
        }
    }

    @Test func scalarAndEmptyDatasets() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("scalar.h5").path
        let writer = try HDF5Writer(creating: path)
        try writer.write("/scalar", shape: [], values: [2.5])
        try writer.write("/empty", shape: [0, 3], values: [Double]())
        try writer.finish()
        let file = try HDF5File.open(path)
        let scalar = try file.readArray("/scalar", as: Double.self)
        #expect(scalar.shape == [] && scalar.storage == [2.5])
        let empty = try file.readArray("/empty", as: Float.self)
        #expect(empty.shape == [0, 3] && empty.storage.isEmpty)
    }

    @Test func attributesRoundTrip() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("attributes.h5").path
        let writer = try HDF5Writer(creating: path)
        try writer.createGroup("/a/b")
        try writer.createGroup("/a/b")  // existing groups are fine
        try writer.write("/a/b/x", shape: [2], values: [1.0, 2.0])
        let attributes: [(String, AttributeValue)] = [
            ("text", .string("λ → 0, {\"json\": true}")), ("count", .int(-7)), ("scale", .double(1e-300)),
            ("sizes", .ints([1, 2, 3])), ("weights", .doubles([0.5, -0.25])),
        ]
        for (name, value) in attributes {
            try writer.setAttribute(name, value, on: "/a/b/x")
            try writer.setAttribute(name, value, on: "/a")
        }
        try writer.setAttribute("count", .int(8), on: "/")
        try writer.setAttribute("count", .int(9), on: "/")  // replaces
        try writer.finish()

        let file = try HDF5File.open(path)
        for (name, value) in attributes {
            #expect(try file.attribute(name, of: "/a/b/x") == value)
            #expect(try file.attribute(name, of: "/a") == value)
        }
        #expect(try file.attribute("count") == .int(9))
        #expect(try file.attributes(of: "/a").map(\.name) == attributes.map(\.0).sorted())
    }
}

/// The writer's clean-up and argument checks. (Staging and the atomic rename
/// into place belong to the command line tool's `StagedOutput`.)
@Suite struct WriterSafetyTests {
    @Test func unfinishedWriterLeavesNothingBehind() throws {
        let directory = try TestPaths.temporaryDirectory()
        let path = directory.appendingPathComponent("never.h5").path
        do {
            let writer = try HDF5Writer(creating: path)
            try writer.write("/x", shape: [3], values: [1.0, 2.0, 3.0])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func existingFileIsRefusedUnlessOverwriting() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("kept.h5").path
        let first = try HDF5Writer(creating: path)
        try first.write("/x", shape: [1], values: [1.0])
        try first.finish()

        let error = try #require(throws: HDF5Error.self) { try HDF5Writer(creating: path) }
        #expect(error.kind == .fileExists)
        #expect(error.description.contains(path))
        #expect(try HDF5File.open(path).readArray("/x", as: Double.self).storage == [1.0])

        let second = try HDF5Writer(creating: path, overwrite: true)
        try second.write("/x", shape: [1], values: [2.0])
        try second.finish()
        #expect(try HDF5File.open(path).readArray("/x", as: Double.self).storage == [2.0])
    }

    /// The staging use: the caller created the file and holds an flock on it,
    /// which HDF5's own lock would collide with; errors name the final output.
    @Test func fillsALockedFileTheCallerCreated() throws {
        let directory = try TestPaths.temporaryDirectory()
        let path = directory.appendingPathComponent(".staging").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let descriptor = open(path, O_RDWR)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let writer = try HDF5Writer(filling: path, displayName: "out.h5")
        try writer.write("/x", shape: [2], values: [1.0, 2.0])
        let duplicate = try #require(throws: HDF5Error.self) { try writer.write("/x", shape: [1], values: [1.0]) }
        #expect(duplicate.file == "out.h5")
        try writer.finish()
        close(descriptor)  // a reader's own HDF5 lock would collide with it too
        #expect(try HDF5File.open(path).readArray("/x", as: Double.self).storage == [1.0, 2.0])
    }

    @Test func invalidWritesAreRejected() throws {
        let directory = try TestPaths.temporaryDirectory()
        let writer = try HDF5Writer(creating: directory.appendingPathComponent("bad.h5").path)
        let mismatch = try #require(throws: HDF5Error.self) {
            try writer.write("/x", shape: [2, 2], values: [1.0, 2.0, 3.0])
        }
        #expect(mismatch.kind == .invalidArgument && mismatch.dataset == "/x")
        let badChunks = try #require(throws: HDF5Error.self) {
            try writer.write("/y", shape: [4, 2], values: [Float](repeating: 0, count: 8), chunks: [5, 2])
        }
        #expect(badChunks.kind == .invalidArgument && badChunks.dataset == "/y")
        let badLevel = try #require(throws: HDF5Error.self) {
            try writer.write("/z", shape: [2], values: [1.0, 2.0], gzipLevel: 10)
        }
        #expect(badLevel.kind == .invalidArgument)
        let tooBig = try #require(throws: HDF5Error.self) {
            try writer.write("/c", shape: [20000], values: [Float](repeating: 0, count: 20000), storage: .compact)
        }
        #expect(tooBig.kind == .invalidArgument)
        try writer.write("/w", shape: [1], values: [1.0])
        let duplicate = try #require(throws: HDF5Error.self) { try writer.write("/w", shape: [1], values: [1.0]) }
        #expect(duplicate.kind == .invalidArgument)
        let noTarget = try #require(throws: HDF5Error.self) { try writer.setAttribute("a", .int(1), on: "/nowhere") }
        #expect(noTarget.kind == .datasetNotFound && noTarget.dataset == "/nowhere")
        try writer.finish()
        let afterFinish = try #require(throws: HDF5Error.self) { try writer.write("/v", shape: [1], values: [1.0]) }
        #expect(afterFinish.kind == .invalidArgument)
    }

    @Test func missingDirectory() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("no/such/dir/out.h5").path
        let error = try #require(throws: HDF5Error.self) { try HDF5Writer(creating: path) }
        #expect(error.kind == .fileNotFound)
        #expect(error.message.contains("no/such/dir"))
    }
}
