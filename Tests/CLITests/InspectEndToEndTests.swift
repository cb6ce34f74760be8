import Foundation
import Testing
import TestSupport

@Suite struct InspectEndToEndTests {
    @Test func tableListsDatasetsWithTheirMetadata() throws {
        let fixture = TestPaths.fixture("conv_maps.h5").path
        let run = try ToolRunner.run(["inspect", fixture])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("\(fixture): ") == true)
        #expect(lines.contains { $0.hasPrefix("PATH ") && $0.contains("SHAPE") && $0.contains("FILTERS") })
        let g = try #require(lines.first { $0.hasPrefix("/g ") })
        #expect(g.contains("[200, 8, 4, 4]") && g.contains("float32") && g.contains("chunked") && g.contains("gzip"))
        let f = try #require(lines.first { $0.hasPrefix("/f ") })
        #expect(f.contains("[200, 32]"))
        #expect(lines.contains { $0.hasPrefix("/expected ") && $0.contains("group") })
        #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("@config = ") })
    }

    @Test func jsonHasEveryObject() throws {
        let fixture = TestPaths.fixture("conv_maps.h5").path
        let run = try ToolRunner.run(["inspect", fixture, "--json"])
        #expect(run.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["file"] as? String == fixture)
        let objects = try #require(document["objects"] as? [[String: Any]])
        let g = try #require(objects.first { $0["path"] as? String == "/g" })
        #expect(g["type"] as? String == "dataset")
        #expect(g["shape"] as? [Int] == [200, 8, 4, 4])
        #expect(g["dtype"] as? String == "float32")
        let filters = try #require(g["filters"] as? [[String: Any]])
        #expect(filters.contains { $0["name"] as? String == "shuffle" })
        let root = try #require(objects.first { $0["path"] as? String == "/" })
        let config = (root["attributes"] as? [String: Any])?["config"] as? String
        #expect(config?.hasPrefix("{") == true, "the full config JSON is kept, not cut")
    }

    @Test func missingFileIsBadInputNamingThePath() throws {
        let directory = try TestPaths.temporaryDirectory("inspect")
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("nowhere.h5").path
        let run = try ToolRunner.run(["inspect", missing])
        #expect(run.status == 3)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("Error: "))
        #expect(run.stderr.contains(missing))
    }

    @Test func textFileIsBadInput() throws {
        let directory = try TestPaths.temporaryDirectory("inspect")
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("notes.h5")
        try Data("not hdf5\n".utf8).write(to: text)
        let run = try ToolRunner.run(["inspect", text.path])
        #expect(run.status == 3)
        #expect(run.stderr.contains(text.path))
        #expect(!run.stderr.contains("HDF5-DIAG"), "HDF5's own stderr printing must be silenced")
    }
}
