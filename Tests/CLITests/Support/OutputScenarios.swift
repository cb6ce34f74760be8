import Foundation
import HDF5IO
import TestSupport

/// Small runs of the commands that write outputs, and what a complete output
/// of each looks like, for the signal, race and staging tests.
enum OutputScenario: String, CaseIterable, Sendable {
    case normalize, dependence, audit

    static let input = TestPaths.fixture("conv_maps.h5").path

    /// The arguments writing to `out` (a few tenths of a second each, or
    /// minutes when `long`, to be interrupted). `variant` changes the numbers.
    func arguments(out: String, variant: Int = 0, long: Bool = false) -> [String] {
        let f = "\(Self.input):/f", g = "\(Self.input):/g"
        switch self {
        case .normalize:
            return ["normalize", "--f", f, "--g", g, "--batch-size", "50", "--epochs", long ? "20000" : "3",
                    "--shuffle", "\(variant)", "--quiet", "--out", out]
        case .dependence:
            return ["dependence", "--x", f, "--y", g, "--permutations", "20", "--seed", "\(variant)",
                    "--quiet", "--out", out]
        case .audit:
            return ["audit", "--f", f, "--g", g, "--batch-size", "50", "--epochs", long ? "20000" : "1",
                    "--permutations", "0",
                    "--max-samples", "100", "--shuffle", "\(variant)", "--quiet", "--out", out]
        }
    }

    var writesFile: Bool { self == .normalize }

    /// What the final name holds after a run: nothing, an old output a test
    /// put there (`OldOutput`), or a complete new one. A partial output, or
    /// an output that fails to parse, throws.
    enum Found: Equatable { case absent, old, complete }

    struct Incomplete: Error, CustomStringConvertible { let description: String }

    /// The pieces of a complete output, from an uninterrupted reference run.
    struct Reference: Sendable {
        let scenario: OutputScenario
        /// Dataset paths (a file) or file names (a report).
        let parts: [String]
    }

    func reference(in directory: URL, name: String? = nil) throws -> Reference {
        let out = directory.appendingPathComponent(name ?? "reference-\(rawValue)").path
        let run = try ToolRunner.run(arguments(out: out))
        guard run.status == 0 else { throw Incomplete(description: "reference run failed: \(run.stderr)") }
        return Reference(scenario: self, parts: try parts(of: out))
    }

    /// Dataset paths (reading every one in full) or report file names
    /// (parsing every CSV and run.json).
    func parts(of path: String) throws -> [String] {
        if writesFile {
            let file = try HDF5File.open(path)
            let datasets = try file.tree().filter { $0.dataset != nil }.map(\.path)
            for dataset in datasets { _ = try file.readArray(dataset, as: Double.self) }
            guard case .string = try file.attribute("config") else {
                throw Incomplete(description: "\(path) has no config attribute")
            }
            return datasets.sorted()
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        for name in names {
            let data = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name))
            if name.hasSuffix(".csv") {
                _ = try CSVDocument(String(decoding: data, as: UTF8.self))
            } else if name == "run.json" {
                _ = try JSONSerialization.jsonObject(with: data)
            }
        }
        return names
    }

    /// Classifies what is at `path` against the reference; throws on anything
    /// partial.
    func inspect(_ path: String, reference: Reference) throws -> Found {
        guard FileManager.default.fileExists(atPath: path) else { return .absent }
        if try OldOutput.isIntact(path, file: writesFile) { return .old }
        let found = try parts(of: path)
        guard found == reference.parts else {
            throw Incomplete(description: "\(path) holds \(found), a complete output holds \(reference.parts)")
        }
        return .complete
    }
}

/// A recognisable earlier output for `--force` runs to replace.
enum OldOutput {
    static let marker = "old-output-marker"

    static func create(at path: String, file: Bool) throws {
        if file {
            let writer = try HDF5Writer(creating: path)
            try writer.write("/\(marker)", shape: [3], values: [1.0, 2.0, 3.0])
            try writer.finish()
        } else {
            // A report of this tool holds run.json (`--force` replaces nothing else).
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try Data("kept\n".utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent(marker))
            try Data("{}\n".utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent("run.json"))
        }
    }

    /// Whether `path` is the old output, whole. A half-removed old report
    /// (marker gone or extra files) is neither old nor complete.
    static func isIntact(_ path: String, file: Bool) throws -> Bool {
        if file {
            let opened = try HDF5File.open(path)
            guard opened.exists("/\(marker)") else { return false }
            return try opened.readArray("/\(marker)", as: Double.self).storage == [1.0, 2.0, 3.0]
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        guard names.contains(marker) else { return false }
        guard names == [marker, "run.json"] else {
            throw OutputScenario.Incomplete(description: "\(path) mixes the old report with \(names)")
        }
        return true
    }
}

/// Entries beside the outputs that must not outlive a run.
func stagingEntries(in directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".regbn-staging-") }
}
