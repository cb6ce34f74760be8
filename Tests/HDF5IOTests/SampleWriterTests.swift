import Foundation
import HDF5IO
import TestSupport
import Testing

/// `createDataset` + `writeSamples`: a dataset filled batch by batch reads
/// back exactly as if written whole, and bad slices are refused.
@Suite struct SampleWriterTests {
    static let shape = [7, 2, 3]

    @Test(arguments: [DatasetStorage.contiguous, .chunked(chunks: [2, 2, 3], gzipLevel: 3, shuffle: true)])
    func batchesFillTheDataset(storage: DatasetStorage) throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("samples.h5").path
        let values = (0..<Self.shape.reduce(1, *)).map { Double($0) * 1.25 - 4 }
        let sampleSize = 6
        let writer = try HDF5Writer(creating: path)
        try writer.createDataset("/out/x", shape: Self.shape, of: Double.self, storage: storage)
        // Out of order and with a partial last batch, as a caller might.
        for rows in [3..<6, 0..<3, 6..<7] {
            let slice = Array(values[(rows.lowerBound * sampleSize)..<(rows.upperBound * sampleSize)])
            try writer.writeSamples("/out/x", startingAt: rows.lowerBound, values: slice)
        }
        try writer.finish()

        let read = try HDF5File.open(path).readArray("/out/x", as: Double.self)
        #expect(read.shape == Self.shape)
        #expect(read.storage == values)
    }

    @Test func float32ValuesConvertIntoAFloat64Dataset() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("convert.h5").path
        let writer = try HDF5Writer(creating: path)
        try writer.createDataset("/x", shape: [2, 2], of: Double.self)
        try writer.writeSamples("/x", startingAt: 0, values: [Float(0.5), 1.5, -2, 3])
        try writer.finish()
        #expect(try HDF5File.open(path).readArray("/x", as: Double.self).storage == [0.5, 1.5, -2, 3])
    }

    @Test func channelsFirstValuesAreStoredChannelsLast() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("nhwc.h5").path
        let nchw = [2, 3, 2, 2]  // N, C, H, W
        let values = (0..<24).map { Float($0) }
        let writer = try HDF5Writer(creating: path)
        try writer.createDataset("/x", shape: [2, 2, 2, 3], of: Float.self)
        try writer.writeSamples("/x", startingAt: 1, values: Array(values[12...]), layout: .nhwc)
        try writer.writeSamples("/x", startingAt: 0, values: Array(values[..<12]), layout: .nhwc)
        try writer.finish()

        let file = try HDF5File.open(path)
        let back = try file.readFeatures("/x", as: Float.self, layout: .nhwc)
        #expect(back.shape == nchw && back.storage == values)
        // In the file, channel varies fastest: sample 0, pixel (0, 0) holds channels 0, 1, 2.
        #expect(Array(try file.readArray("/x", as: Float.self).storage.prefix(6)) == [0, 4, 8, 1, 5, 9])
    }

    @Test func badSlicesAreRefusedWithTheDatasetNamed() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("bad.h5").path
        let writer = try HDF5Writer(creating: path)
        try writer.createDataset("/x", shape: Self.shape, of: Float.self)
        let sample = [Float](repeating: 1, count: 6)
        for (first, values) in [(6, sample + sample), (0, Array(sample.dropLast())), (-1, sample)] {
            let error = #expect(throws: HDF5Error.self) {
                try writer.writeSamples("/x", startingAt: first, values: values)
            }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.description.contains("/x") == true)
        }
        let missing = #expect(throws: HDF5Error.self) { try writer.writeSamples("/y", startingAt: 0, values: sample) }
        #expect(missing?.kind == .datasetNotFound)
        #expect(throws: HDF5Error.self) { try writer.createDataset("/s", shape: [], of: Float.self) }
        #expect(throws: HDF5Error.self) { try writer.createDataset("/x", shape: [1], of: Float.self) }
    }
}
