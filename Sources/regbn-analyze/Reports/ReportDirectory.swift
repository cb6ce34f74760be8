import Foundation

/// A report directory written atomically through `StagedOutput`: files go
/// into a hidden staging directory beside the target, created by `prepare()`
/// before the run's work, and `write` renames it into place when every file
/// is written (swapping it with the old report under `--force`). A failed or
/// interrupted run leaves nothing behind and the old report untouched.
final class ReportDirectory {
    /// The absolute target, for the "Report: …" lines.
    let target: URL
    /// The `--out` value as given.
    let path: String
    let force: Bool
    private var staged: StagedOutput?

    init(path: String, force: Bool) {
        self.target = URL(fileURLWithPath: path).standardizedFileURL
        self.path = path
        self.force = force
    }

    /// Everything that can refuse the report, checked before the run's work
    /// (see `StagedOutput.prepare`).
    func prepare() throws(OutputError) {
        guard staged == nil else { return }
        let output = try StagedOutput(path: path, kind: .directory, force: force)
        try output.prepare()
        staged = output
    }

    /// Runs `body` with the staging directory, then commits it. Any error
    /// from `body` or the commit removes the staging directory.
    @discardableResult
    func write<T>(_ body: (URL) throws -> T) throws -> T {
        try prepare()
        guard let staged, let staging = staged.stagingPath else {
            throw OutputError(.writeFailed, path: path, "the report was already written (an internal error).")
        }
        do {
            let result = try body(URL(fileURLWithPath: staging, isDirectory: true))
            try staged.commit()
            return result
        } catch let failure as ReportFiles.WriteFailure {
            staged.abandon()
            throw OutputError(failure.failure, path: path, "cannot write \(failure.file) of the report")
        } catch {
            staged.abandon()
            throw error
        }
    }
}
