import FeatureFiles
import HDF5IO
import TestSupport
import Testing

/// The same float32 arrays saved as .h5 (gzip+shuffle chunks), .npy, .npz
/// (stored and deflated) and .safetensors read bit for bit identically,
/// whole, by range and by shuffled indices, as Float and as Double.
@Suite struct EquivalenceTests {
    static func locations(_ key: String) throws -> (InputCorpus.Generated, [String]) {
        let corpus = try InputCorpus.formats.generate()
        let table = try #require(corpus.manifest["equivalence"] as? [String: Any])
        return (corpus, try #require(table[key] as? [String]))
    }

    @Test(arguments: ["x", "y"])
    func everyFormatReadsTheSameBits(_ key: String) throws {
        let (corpus, arguments) = try Self.locations(key)
        #expect(arguments.count == 5)
        let sources = try arguments.map { try open($0, in: corpus) }
        let reference = sources[0]
        let shuffled = [119, 3, 64, 3, 0, 77, 118, 12]
        let wholeFloat = try readAll(reference, as: Float.self)
        let wholeDouble = try readAll(reference, as: Double.self)
        let part = try readRows(reference, 37..<90, as: Double.self)
        let picked = try readIndices(reference, shuffled, as: Float.self)
        for (argument, source) in zip(arguments, sources) {
            #expect(source.shape == reference.shape, "\(argument)")
            #expect(source.dtype == "float32", "\(argument)")
            #expect(try readAll(source, as: Float.self).map(\.bitPattern) == wholeFloat.map(\.bitPattern), "\(argument)")
            #expect(try readAll(source, as: Double.self).map(\.bitPattern) == wholeDouble.map(\.bitPattern), "\(argument)")
            #expect(try readRows(source, 37..<90, as: Double.self) == part, "\(argument)")
            #expect(try readIndices(source, shuffled, as: Float.self) == picked, "\(argument)")
            // A rank's block of columns (HDF5 by hyperslab, the other formats from whole rows).
            let width = source.featuresPerSample, columns = (width / 3)..<(width - 1)
            let expected = shuffled.flatMap { row in
                wholeDouble[(row * width + columns.lowerBound)..<(row * width + columns.upperBound)]
            }
            var block = [Double](repeating: 0, count: shuffled.count * columns.count)
            try block.withUnsafeMutableBufferPointer { try source.read(indices: shuffled, columns: columns, into: $0) }
            #expect(block == expected, "\(argument)")
        }
    }

    @Test func channelsLastFilesMatchTheirChannelsFirstCopy() throws {
        let (corpus, arguments) = try Self.locations("x")
        let table = try #require(corpus.manifest["equivalence"] as? [String: Any])
        let nhwc = try open(try #require(table["x_nhwc"] as? String), in: corpus, layout: .nhwc)
        let nchw = try open(arguments[0], in: corpus)
        #expect(nhwc.shape == nchw.shape)
        #expect(nhwc.fileShape == [120, 3, 3, 4])
        #expect(try readAll(nhwc, as: Double.self) == readAll(nchw, as: Double.self))
        #expect(try readIndices(nhwc, [5, 2, 5], as: Float.self) == readIndices(nchw, [5, 2, 5], as: Float.self))
        #expect(nhwc.largestScratchBytes == nhwc.featuresPerSample * MemoryLayout<Float>.stride * 2,
                "one transposed row of Double at most")
    }

    /// A deflated member is inflated once: shuffled reads cost a lookup, not
    /// a pass over the stream, and scratch stays at the inflate buffer.
    @Test func deflatedMembersSupportRandomAccess() throws {
        let (corpus, arguments) = try Self.locations("x")
        let deflated = try open(try #require(arguments.first { $0.hasPrefix("eq_deflated") }), in: corpus)
        let stored = try open(try #require(arguments.first { $0.hasPrefix("eq.npz") }), in: corpus)
        var order = Array(0..<120)
        order.reverse()
        for start in stride(from: 0, to: 120, by: 20) {
            let batch = Array(order[start..<(start + 20)])
            #expect(try readIndices(deflated, batch, as: Double.self) == readIndices(stored, batch, as: Double.self))
        }
        #expect(deflated.largestScratchBytes <= 256 << 10)
        #expect(stored.largestScratchBytes == 0)
    }
}
