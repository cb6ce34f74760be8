import Foundation
import Testing
@testable import regbn_analyze

@Suite struct RunManifestTests {
    @Test func encodesProvenanceAndNonFiniteNumbers() throws {
        var manifest = RunManifest(command: "audit", arguments: ["audit", "--f", "a.h5:/f"],
                                   configuration: ["sigma_thr": .number(0), "bad": .number(.nan), "seed": .integer(3),
                                                   "nested": .object(["on": .bool(true), "list": .array([.null, .string("x")])])])
        manifest.inputs = [RunManifest.Input(role: "f", file: "a.h5", dataset: "/f", shape: [3, 2], dtype: "float32", layout: "nchw",
                                             fileSHA256: String(repeating: "0", count: 64), fileBytes: 10)]
        manifest.timings = ["total": 1.5]
        manifest.warnings = ["w"]
        let object = try JSONSerialization.jsonObject(with: manifest.encoded()) as? [String: Any]
        let tool = object?["tool"] as? [String: Any]
        #expect(tool?["name"] as? String == "regbn-analyze")
        #expect(tool?["version"] as? String == ToolVersion.current)
        let configuration = object?["configuration"] as? [String: Any]
        #expect(configuration?["bad"] as? String == "nan")
        #expect(configuration?["seed"] as? Int == 3)
        let input = (object?["inputs"] as? [[String: Any]])?.first
        #expect(input?["file_sha256"] as? String == String(repeating: "0", count: 64))
        #expect(input?["shape"] as? [Int] == [3, 2])
        #expect((object?["created_utc"] as? String)?.hasSuffix("Z") == true)
    }
}
