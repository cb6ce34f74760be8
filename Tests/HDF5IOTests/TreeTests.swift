import HDF5IO
import TestSupport
import Testing

/// `tree()` lists every group and dataset with the metadata `inspect` shows.
@Suite struct TreeTests {
    @Test func listsGroupsAndDatasetsDepthFirstInNameOrder() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("tree.h5").path
        let writer = try HDF5Writer(creating: path)
        try writer.write("/b/deep/x", shape: [4, 3], values: [Float](repeating: 1, count: 12), gzipLevel: 2)
        try writer.write("/a", shape: [2], values: [1.0, 2.0])
        try writer.createGroup("/c")
        try writer.setAttribute("note", .string("hello"), on: "/b")
        try writer.setAttribute("version", .int(3))
        try writer.finish()

        let nodes = try HDF5File.open(path).tree()
        #expect(nodes.map(\.path) == ["/", "/a", "/b", "/b/deep", "/b/deep/x", "/c"])
        #expect(nodes.map(\.depth) == [0, 1, 1, 2, 3, 1])
        #expect(nodes[0].attributes.map(\.name) == ["version"])
        #expect(nodes[0].attributes.first?.value == .int(3))
        #expect(nodes[2].attributes.first?.value == .string("hello"))
        #expect(nodes[2].dataset == nil)
        let x = try #require(nodes[4].dataset)
        #expect(x.shape == [4, 3] && x.dtype == "float32" && x.layout == .chunked)
        #expect(x.elementType == ElementType(elementClass: .float, size: 4, byteOrder: .littleEndian, isSigned: nil))
        #expect(x.filters.map(\.description) == ["gzip(2)"])
        #expect(nodes[4].name == "x")
        let a = try #require(nodes[1].dataset)
        #expect(a.dtype == "float64" && a.layout == .contiguous && a.chunks == nil)
    }

    @Test func fixtureTreeHasTheInputsAndExpectedGroups() throws {
        let nodes = try HDF5File.open(TestPaths.fixture("conv_maps.h5").path).tree()
        let paths = Set(nodes.map(\.path))
        #expect(paths.isSuperset(of: ["/", "/f", "/g", "/expected", "/expected/train", "/expected/train/lambda"]))
        let lambda = try #require(nodes.first { $0.path == "/expected/train/lambda" })
        #expect(Set(lambda.attributes.map(\.name)).isSuperset(of: ["rtol", "atol", "rtol_replay", "atol_replay"]))
        #expect(nodes.first?.attributes.contains { $0.name == "config" } == true)
    }
}
