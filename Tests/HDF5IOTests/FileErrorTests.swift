import Foundation
import HDF5IO
import TestSupport
import Testing

/// Files that are not (complete) HDF5 files: errors, never crashes.
@Suite struct FileErrorTests {
    @Test func textFileIsNotHDF5() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("notes.h5").path
        try Data("features would be here\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error.kind == .notHDF5)
        #expect(error.description.contains(path))
        #expect(error.fix?.contains("h5py") == true)
    }

    @Test func emptyFileIsNotHDF5() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("empty.h5").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = try #require(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error.kind == .notHDF5)
    }

    @Test func directoryIsNotARegularFile() throws {
        let path = try TestPaths.temporaryDirectory().path
        let error = try #require(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error.kind == .notRegularFile)
        #expect(error.message.contains("directory"))
    }

    /// A valid file cut short (as by a full disk) fails at open with HDF5's
    /// own explanation carried in the error.
    @Test(arguments: [0.5, 0.9, 0.99])
    func truncatedFileIsReportedAsCorrupt(fraction: Double) throws {
        let path = try writeTestFile(shape: [200, 16]) { Float($0) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try Foundation.FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(Double(size) * fraction))
        try handle.close()

        let error = try #require(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error.kind == .corruptFile)
        #expect(error.description.contains(path))
        #expect(error.message.contains("truncated"))
        #expect(error.call == "H5Fopen")
        #expect(!error.stack.isEmpty)
        #expect(error.description.contains("HDF5 (H5Fopen)"))
    }

    @Test func headerOnlyFragmentIsCorrupt() throws {
        let path = try writeTestFile(shape: [50, 4])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(600)
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error.kind == .corruptFile)
    }
}
