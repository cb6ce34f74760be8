@testable import FeatureFiles
import Foundation
import HDF5IO
import TestSupport
import Testing

/// Every element type and container written by NumPy (np.save, np.savez,
/// np.savez_compressed, a zip64 archive) and every safetensors dtype reads
/// as the values NumPy holds, converted exactly (make_inputs.py formats).
@Suite struct FormatReadingTests {
    static func corpus() throws -> InputCorpus.Generated { try InputCorpus.formats.generate() }

    /// The manifest stores float64 bit patterns in hex: Foundation's JSON
    /// reader rounds large numbers (it parses them as decimals).
    static func expected(_ entry: [String: Any]) throws -> [Double] {
        try doubles(try #require(entry["values"] as? [String]))
    }

    static func doubles(_ hex: [String]) throws -> [Double] {
        try hex.map { Double(bitPattern: try #require(UInt64($0, radix: 16))) }
    }

    @Test func everyNpyTypeInBothByteOrders() throws {
        let corpus = try Self.corpus()
        let entries = try #require(corpus.manifest["npy"] as? [[String: Any]])
        #expect(entries.count == 26, "12 types in both byte orders, plus format versions 2.0 and 3.0")
        for entry in entries {
            let file = try #require(entry["file"] as? String)
            let source = try open(file, in: corpus)
            #expect(source.shape == [10, 3], "\(file)")
            let values = try Self.expected(entry)
            #expect(try readAll(source, as: Double.self) == values, "\(file)")
            #expect(try readAll(source, as: Float.self) == values.map(Float.init), "\(file)")
            let rows: [Double] = [9, 0, 4, 4].flatMap { Array(values[($0 * 3)..<($0 * 3 + 3)]) }
            #expect(try readIndices(source, [9, 0, 4, 4], as: Double.self) == rows, "\(file)")
            #expect(source.largestScratchBytes == 0, "\(file): reads go straight into the caller's buffer")
        }
        #expect(try open("f2_be.npy", in: corpus).dtype == "float16 (big-endian)")
        #expect(try open("b1_le.npy", in: corpus).dtype == "bool")
    }

    @Test func everySafetensorsType() throws {
        let corpus = try Self.corpus()
        let entries = try #require(corpus.manifest["safetensors"] as? [[String: Any]])
        #expect(entries.count == 13)
        for entry in entries {
            let tensor = try #require(entry["tensor"] as? String)
            let source = try open("all_types.safetensors:\(tensor)", in: corpus)
            let values = try Self.expected(entry)
            #expect(try readAll(source, as: Double.self) == values, "\(tensor)")
            let rows: [Double] = [2, 2, 7].flatMap { Array(values[($0 * 3)..<($0 * 3 + 3)]) }
            #expect(try readIndices(source, [2, 2, 7], as: Float.self) == rows.map { Float($0) }, "\(tensor)")
        }
        #expect(try open("all_types.safetensors:bf16", in: corpus).dtype == "bfloat16")
    }

    @Test(arguments: ["stored.npz", "deflated.npz", "zip64.npz"])
    func npzMembers(_ archive: String) throws {
        let corpus = try Self.corpus()
        let expected = try #require(corpus.manifest["npz"] as? [String: [String]]).mapValues(Self.doubles)
        let members = archive == "zip64.npz" ? ["a"] : ["a", "b"]
        for member in members {
            let source = try open("\(archive):\(member)", in: corpus)
            let values = try #require(expected[member])
            #expect(try readAll(source, as: Double.self) == values, "\(archive):\(member)")
            let rows: [Double] = [5, 1, 5].flatMap { Array(values[($0 * 3)..<($0 * 3 + 3)]) }
            #expect(try readIndices(source, [5, 1, 5], as: Double.self) == rows)
            #expect(try open("\(archive):\(member).npy", in: corpus).shape == [10, 3])
        }
        // A single-member archive needs no member name.
        if archive == "zip64.npz" { #expect(try open(archive, in: corpus).shape == [10, 3]) }
    }

    @Test func listingReadsHeadersOnly() throws {
        let corpus = try Self.corpus()
        let npz = try FeatureFileListing.list(corpus.path("deflated.npz"), format: .npz)
        #expect(npz.map(\.name) == ["a", "b"])
        #expect(npz.map(\.shape) == [[10, 3], [10, 3]])
        #expect(npz.map(\.dtype) == ["float32", "int16"])
        #expect(npz.allSatisfy { $0.storage == "deflated" && $0.problem == nil })
        let tensors = try FeatureFileListing.list(corpus.path("all_types.safetensors"), format: .safetensors)
        #expect(tensors.count == 13)
        #expect(tensors.first { $0.name == "bf16" }?.dtype == "bfloat16")
        let npy = try FeatureFileListing.list(corpus.path("f8_be.npy"), format: .npy)
        #expect(npy.count == 1 && npy[0].name == nil && npy[0].dtype == "float64 (big-endian)")
    }

    @Test func unnamedMemberOfASeveralMemberArchiveListsTheNames() throws {
        let corpus = try Self.corpus()
        let error = try #require(throws: FeatureFileError.self) { try open("stored.npz", in: corpus) }
        #expect(error.kind == .memberNotFound)
        #expect(error.message.contains("a, b"))
    }

    @Test func halfPrecisionConvertsExactly() {
        let cases: [(UInt16, Float)] = [
            (0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24), (0x0400, 0x1p-14), (0x8000, -0.0),
            (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        for (bits, value) in cases {
            #expect(StoredDType.halfToFloat(bits) == value, "\(String(bits, radix: 16))")
        }
        #expect(StoredDType.halfToFloat(0x7E00).isNaN)
    }
}
