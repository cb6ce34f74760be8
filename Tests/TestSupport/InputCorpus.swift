import Foundation

/// The input corpora written by `Tests/InputCorpus/make_inputs.py` (Python
/// with h5py and numpy), generated once per test process into a temporary
/// directory: `formats` (every supported type and container, and one
/// dataset in every format) and `hostile` (malformed and hostile inputs).
public enum InputCorpus: String, Sendable {
    case formats, hostile

    public struct Generated: @unchecked Sendable {
        public let directory: URL
        /// The parsed manifest.json.
        public let manifest: [String: Any]

        public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    }

    public struct GenerationFailed: Error, CustomStringConvertible {
        public let description: String
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var generated: [InputCorpus: Result<Generated, Error>] = [:]

    /// The corpus, generated on first use.
    public func generate() throws -> Generated {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        if let done = Self.generated[self] { return try done.get() }
        let result = Result { try Self.run(self) }
        Self.generated[self] = result
        return try result.get()
    }

    private static func run(_ corpus: InputCorpus) throws -> Generated {
        let directory = try TestPaths.temporaryDirectory("input-corpus-\(corpus.rawValue)")
        let script = TestPaths.testsDirectory.appendingPathComponent("InputCorpus/make_inputs.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, corpus.rawValue, directory.path]
        let errors = directory.appendingPathComponent(".stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let handle = try FileHandle(forWritingTo: errors)
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw GenerationFailed(
                description: "make_inputs.py \(corpus.rawValue) failed (status \(process.terminationStatus)); it needs "
                    + "python3 with h5py and numpy (scripts/install-deps --python): \(text)")
        }
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        guard let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GenerationFailed(description: "make_inputs.py \(corpus.rawValue) wrote no manifest object")
        }
        return Generated(directory: directory, manifest: manifest)
    }

    /// One hostile case of the manifest.
    public struct Case: Sendable, CustomStringConvertible {
        public let name: String
        /// The file, relative to the corpus directory (or absolute).
        public let file: String
        /// The argument as a command line names the array.
        public let argument: String
        /// Whether `inspect FILE` lists it (true), refuses it (false) or may do either (nil).
        public let inspectSucceeds: Bool?
        /// A fragment every error message about it must contain.
        public let expect: String
        public var description: String { name }
    }

    public static func hostileCases() throws -> [Case] {
        let corpus = try InputCorpus.hostile.generate()
        guard let cases = corpus.manifest["cases"] as? [[String: Any]] else {
            throw GenerationFailed(description: "the hostile manifest has no cases")
        }
        return cases.compactMap { entry in
            guard let name = entry["name"] as? String, let file = entry["file"] as? String,
                let argument = entry["argument"] as? String, let expect = entry["expect"] as? String
            else { return nil }
            return Case(name: name, file: file, argument: argument, inspectSucceeds: entry["inspect_ok"] as? Bool,
                        expect: expect)
        }
    }
}
