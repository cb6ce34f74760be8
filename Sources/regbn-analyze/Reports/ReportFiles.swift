import Foundation

/// Writes the files of a report into a (staging) directory.
struct ReportFiles: Sendable {
    let directory: URL

    func write(_ table: CSVTable, as name: String) throws {
        try write(text: table.rendered(), as: name)
    }

    func write(text: String, as name: String) throws {
        try write(data: Data(text.utf8), as: name)
    }

    func write(data: Data, as name: String) throws {
        do {
            try data.write(to: directory.appendingPathComponent(name))
        } catch {
            throw ReportDirectoryError.io(directory.path, underlying: "writing \(name): \(error.localizedDescription)")
        }
    }

    func write(_ manifest: RunManifest) throws {
        try write(data: manifest.encoded() + Data("\n".utf8), as: "run.json")
    }
}
