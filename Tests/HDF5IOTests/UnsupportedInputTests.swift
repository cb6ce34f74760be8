import HDF5IO
import TestSupport
import Testing

/// Fixtures/hdf5/unsupported.h5 (make_test_files.py): element types and a
/// filter HDF5IO refuses, each with an error naming file, dataset and fix.
@Suite struct UnsupportedInputTests {
    static let path = TestPaths.fixture("hdf5/unsupported.h5").path

    static let types: [(dataset: String, elementClass: String)] = [
        ("/strings_fixed", "string"), ("/strings_vlen", "string"), ("/compound", "compound"),
        ("/enum", "enum"), ("/bools", "enum"), ("/reference", "reference"), ("/opaque", "opaque"),
    ]

    @Test(arguments: types.map(\.dataset))
    func nonNumericTypesAreRefused(dataset: String) throws {
        let elementClass = try #require(Self.types.first { $0.dataset == dataset }?.elementClass)
        let file = try HDF5File.open(Self.path)
        #expect(try file.info(dataset).elementType.elementClass.rawValue == elementClass)
        for read in [
            { _ = try file.readArray(dataset, as: Double.self) },
            { _ = try file.readFeatures(dataset, as: Float.self) },
            { _ = try file.featureDataset(dataset) },
        ] as [() throws -> Void] {
            let error = try #require(throws: HDF5Error.self) { try read() }
            #expect(error.kind == .unsupportedType)
            #expect(error.dataset == dataset)
            #expect(error.message.contains(elementClass))
            #expect(error.description.contains(Self.path))
            #expect(error.fix?.contains("float32") == true)
        }
    }

    @Test func unavailableFilterIsNamedWithAFix() throws {
        let file = try HDF5File.open(Self.path)
        let info = try file.info("/lzf")
        #expect(info.filters.map(\.id) == [32000])
        #expect(info.filters.first?.isAvailable == false)
        #expect(info.filters.first?.description == "lzf [unavailable]")
        for read in [
            { _ = try file.readArray("/lzf", as: Double.self) },
            { _ = try file.readFeatures("/lzf", as: Float.self, samples: 0..<2) },
            { _ = try file.featureDataset("/lzf") },
        ] as [() throws -> Void] {
            let error = try #require(throws: HDF5Error.self) { try read() }
            #expect(error.kind == .filterUnavailable)
            #expect(error.dataset == "/lzf")
            #expect(error.message.contains("filter 32000 (lzf) is not available"))
            #expect(error.fix?.contains("compression='gzip'") == true)
            #expect(error.description.contains(Self.path))
        }
        #expect(try file.readArray("/good", as: Float.self).shape == [3, 2])
    }

    @Test func attributesOfEveryKind() throws {
        let file = try HDF5File.open(Self.path)
        #expect(try file.attribute("flag") == .int(1))
        #expect(try file.attribute("bytes") == .string("fixed text"))
        #expect(try file.attribute("int8s") == .ints([-1, 2, -3]))
        #expect(try file.attribute("float32") == .double(0.5))
        #expect(try file.attribute("float32").doubleValue == 0.5)
        for name in ["names", "pair"] {
            let error = try #require(throws: HDF5Error.self) { try file.attribute(name) }
            #expect(error.kind == .unsupportedType)
            #expect(error.message.contains("'\(name)'"))
        }
        let listed = try file.attributes()
        #expect(listed.map(\.name) == ["bytes", "flag", "float32", "int8s", "names", "pair"])
        #expect(listed.filter { $0.value == nil }.map(\.name) == ["names", "pair"])
        #expect(listed.allSatisfy { ($0.value == nil) == ($0.problem != nil) })
    }

    @Test func treeListsUnreadableDatasetsWithoutFailing() throws {
        let nodes = try HDF5File.open(Self.path).tree()
        let datasets = Set(nodes.compactMap(\.dataset).map(\.path))
        #expect(datasets == Set(Self.types.map(\.dataset) + ["/lzf", "/good"]))
        #expect(nodes.count == datasets.count + 1)
    }
}
