import Foundation

/// Writes the files of a report into a (staging) directory. Each file is on
/// disk (synced) when `write` returns, so the report is complete once renamed.
struct ReportFiles: Sendable {
    let directory: URL

    /// A file of the report could not be written; `ReportDirectory` turns it
    /// into an `OutputError` that names the `--out` report, not the staging path.
    struct WriteFailure: Error, Sendable {
        let file: String
        let failure: SystemCallError
    }

    func write(_ table: CSVTable, as name: String) throws {
        try write(text: table.rendered(), as: name)
    }

    func write(text: String, as name: String) throws {
        try write(data: Data(text.utf8), as: name)
    }

    func write(data: Data, as name: String) throws {
        do {
            try FileSystem.writeFile(directory.appendingPathComponent(name).path, contents: data)
        } catch {
            throw WriteFailure(file: name, failure: error)
        }
    }

    func write(_ manifest: RunManifest) throws {
        try write(data: manifest.encoded() + Data("\n".utf8), as: "run.json")
    }
}
