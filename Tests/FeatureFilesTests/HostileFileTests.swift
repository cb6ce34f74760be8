import FeatureFiles
import Foundation
import HDF5IO
import TestSupport
import Testing

/// Every case of the hostile corpus fails to open or to read with a library
/// error that names the file and says what is wrong — never a crash, a hang
/// or a silently wrong value.
@Suite struct HostileFileTests {
    static let cases = (try? InputCorpus.hostileCases()) ?? []

    @Test func corpusIsGenerated() throws {
        #expect(try InputCorpus.hostileCases().count >= 45)
    }

    @Test(arguments: cases)
    func isRefusedWithAClearError(_ hostile: InputCorpus.Case) throws {
        let corpus = try InputCorpus.hostile.generate()
        let error = try #require(throws: (any Error).self) {
            let source = try open(hostile.argument, in: corpus)
            _ = try readRows(source, 0..<min(source.sampleCount, 50), as: Double.self)
        }
        let description = "\(error)"
        #expect(error is FeatureFileError || error is HDF5Error, "\(type(of: error)): \(description)")
        #expect(description.contains((hostile.file as NSString).lastPathComponent), "\(description)")
        #expect(description.contains(hostile.expect), "\(description)")
    }

    @Test func npyNonFiniteValuesAreLocated() throws {
        let directory = try TestPaths.temporaryDirectory("npy-nan")
        let path = directory.appendingPathComponent("nan.npy").path
        var values = (0..<(30 * 4)).map { Float($0) }
        values[17 * 4 + 2] = .nan
        try NPYWriter.write(path, shape: [30, 4], values: values)
        let source = try FeatureSources.open(try FeatureLocation(parsing: path))
        let error = try #require(throws: FeatureFileError.self) { _ = try readIndices(source, [1, 17], as: Double.self) }
        #expect(error.kind == .nonFinite)
        #expect(error.message == "sample 17 holds NaN (flattened feature 2 of 4)")
        #expect(error.description.hasPrefix(path + ": "))
    }
}

/// Writes little-endian float32 .npy files (format 1.0) from Swift, for
/// tests that need files Python cannot write quickly (sparse, huge).
enum NPYWriter {
    static func header(shape: [Int]) -> Data {
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
        var text = dict
        while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(text.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(text.utf8))
        return data
    }

    static func write(_ path: String, shape: [Int], values: [Float]) throws {
        var data = header(shape: shape)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
