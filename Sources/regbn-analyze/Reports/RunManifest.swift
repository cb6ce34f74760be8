import Foundation

/// run.json: everything needed to reproduce and cite a report.
struct RunManifest: Sendable, Encodable {
    struct Tool: Sendable, Encodable {
        var name = HelpText.toolName
        var version = ToolVersion.current
    }

    /// One input dataset with the provenance of its file.
    struct Input: Sendable, Encodable {
        var role: String
        var file: String
        var dataset: String
        var shape: [Int]
        var dtype: String
        var layout: String
        var fileSHA256: String
        var fileBytes: Int

        enum CodingKeys: String, CodingKey {
            case role, file, dataset, shape, dtype, layout
            case fileSHA256 = "file_sha256", fileBytes = "file_bytes"
        }
    }

    var tool = Tool()
    var command: String
    var arguments: [String]
    var configuration: [String: JSONValue]
    var inputs: [Input] = []
    /// How figures name the operands, by role (`--name-f/--name-g`, default the dataset path).
    var names: [String: String] = [:]
    var subsample: [String: JSONValue] = [:]
    /// Wall-clock seconds per named step.
    var timings: [String: Double] = [:]
    var warnings: [String] = []
    var createdUTC: String = RunManifest.timestamp()

    enum CodingKeys: String, CodingKey {
        case tool, command, arguments, configuration, inputs, names, subsample, timings, warnings
        case createdUTC = "created_utc"
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
