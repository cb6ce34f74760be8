import Foundation
import HDF5IO
import TestSupport
import Testing

/// Errors of opening files and finding datasets: kind, file, dataset and fix.
@Suite struct LookupErrorTests {
    let fixture = TestPaths.fixture("conv_maps.h5").path

    @Test func missingFile() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("absent.h5").path
        let error = try #require(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error.kind == .fileNotFound)
        #expect(error.description.contains(path))
        #expect(error.fix != nil)
    }

    @Test func missingDatasetListsTheDatasetsThatExist() throws {
        let file = try HDF5File.open(fixture)
        let error = try #require(throws: HDF5Error.self) { try file.readFeatures("/h", as: Float.self) }
        #expect(error.kind == .datasetNotFound)
        #expect(error.dataset == "/h")
        #expect(error.description.contains(fixture))
        #expect(error.message.contains("/f [200, 32]"))
        #expect(error.message.contains("/g [200, 8, 4, 4]"))
    }

    @Test func missingDatasetInsideAGroupListsThatGroup() throws {
        let file = try HDF5File.open(fixture)
        let error = try #require(throws: HDF5Error.self) {
            try file.readArray("/expected/train/lambdaa", as: Double.self)
        }
        #expect(error.kind == .datasetNotFound)
        #expect(error.message.contains("did you mean /expected/train/lambda?"))
    }

    @Test func groupWhereADatasetIsExpected() throws {
        let file = try HDF5File.open(fixture)
        let error = try #require(throws: HDF5Error.self) { try file.readArray("/expected/train", as: Double.self) }
        #expect(error.kind == .notADataset)
        #expect(error.dataset == "/expected/train")
        #expect(error.message.contains("it contains: "))
        #expect(error.message.contains("epoch"))
    }

    @Test func missingAttributeListsTheAttributesThatExist() throws {
        let file = try HDF5File.open(fixture)
        let error = try #require(throws: HDF5Error.self) { try file.attribute("rtol", of: "/") }
        #expect(error.kind == .attributeNotFound)
        #expect(error.message.contains("config"))
        #expect(error.message.contains("layout_version"))
    }

    @Test func existsAnswersForGroupsDatasetsAndNonsense() throws {
        let file = try HDF5File.open(fixture)
        #expect(file.exists("/"))
        #expect(file.exists("/expected/train"))
        #expect(file.exists("expected/train/lambda"))
        #expect(!file.exists("/expected/nothing/here"))
        #expect(!file.exists("/f/inside/a/dataset"))
    }
}
