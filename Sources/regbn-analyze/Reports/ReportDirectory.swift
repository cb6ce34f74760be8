import Foundation

/// Failures of writing a report directory.
enum ReportDirectoryError: Error, CustomStringConvertible, Sendable {
    case exists(String)
    case notADirectory(String)
    case parentMissing(String)
    case io(String, underlying: String)

    var description: String {
        switch self {
        case .exists(let path):
            return "The report directory '\(path)' already exists. Pass --force to replace it, or choose another --out."
        case .notADirectory(let path):
            return "'\(path)' exists and is not a directory; refusing to replace it even with --force. Choose another --out."
        case .parentMissing(let path):
            return "The parent directory of '\(path)' does not exist. Create it first or choose another --out."
        case .io(let path, let underlying):
            return "Could not write the report directory '\(path)': \(underlying)"
        }
    }
}

/// A report directory written atomically: files go into a hidden temporary
/// directory beside the target, which is renamed into place only when every
/// file is written. A failed run leaves nothing behind; an existing target is
/// kept unless `force`, and then swapped out only after the new one is ready.
struct ReportDirectory: Sendable {
    let target: URL
    let force: Bool

    init(path: String, force: Bool) {
        self.target = URL(fileURLWithPath: path).standardizedFileURL
        self.force = force
    }

    /// Checks up front, before any expensive work, that the run may write here.
    func checkWritable() throws(ReportDirectoryError) {
        var isDirectory: ObjCBool = false
        let parent = target.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .parentMissing(target.path)
        }
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .notADirectory(target.path) }
            guard force else { throw .exists(target.path) }
        }
    }

    /// Runs `body` with the temporary directory, then renames it into place.
    /// Any error from `body` or the rename removes the temporary directory.
    @discardableResult
    func write<T>(_ body: (URL) throws -> T) throws -> T {
        try checkWritable()
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw ReportDirectoryError.io(target.path, underlying: error.localizedDescription)
        }
        do {
            return try Interruption.staging(staging.path) {
                let result = try body(staging)
                try moveIntoPlace(staging)
                return result
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// rename(2) is atomic for a new name. Replacing an existing directory
    /// takes two renames (old aside, new in) with a rollback if the second
    /// fails; the old report is deleted only after the new one is in place.
    private func moveIntoPlace(_ staging: URL) throws {
        // Checked again: another process may have created it meanwhile.
        try checkWritable()
        let fm = FileManager.default
        if !fm.fileExists(atPath: target.path) {
            try rename(staging, target)
            return
        }
        let aside = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).replaced-\(UUID().uuidString)")
        try rename(target, aside)
        do {
            try rename(staging, target)
        } catch {
            try? rename(aside, target)
            throw error
        }
        try? fm.removeItem(at: aside)
    }

    private func rename(_ from: URL, _ to: URL) throws {
        guard Foundation.rename(from.path, to.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ReportDirectoryError.io(target.path, underlying: "rename '\(from.path)' → '\(to.path)': \(reason)")
        }
    }
}
