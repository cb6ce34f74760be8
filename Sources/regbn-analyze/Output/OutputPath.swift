import Foundation

/// A `--out` value taken apart: the directory the output goes into and its
/// final name, both as given (no symlink resolution, no `..` folding, which
/// would change what the user's path means).
struct OutputPath: Sendable {
    enum Kind: Sendable { case file, directory }

    /// The `--out` value as given, for messages.
    let given: String
    let kind: Kind
    /// The parent directory ("." for a bare name).
    let directory: String
    /// The final component.
    let name: String

    /// Longest name and path Linux file systems accept (NAME_MAX, PATH_MAX).
    static let maximumNameBytes = 255
    static let maximumPathBytes = 4095

    init(_ given: String, kind: Kind) throws(OutputError) {
        self.given = given
        self.kind = kind
        let what = kind == .file ? "file" : "directory"
        var path = given
        if kind == .directory {
            while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        }
        guard !path.isEmpty else {
            throw OutputError(.invalidPath, path: given, "the output path is empty. Give a \(what) name.")
        }
        guard !path.hasSuffix("/") else {
            throw OutputError(.invalidPath, path: given, kind == .file
                ? "a path ending in '/' names a directory, but this output is a file. Give a file name."
                : "'/' cannot be replaced by a report directory. Give a directory name.")
        }
        guard path.utf8.count <= Self.maximumPathBytes else {
            throw OutputError(.invalidPath, path: given, "the path is \(path.utf8.count) bytes long; Linux accepts "
                              + "\(Self.maximumPathBytes). Choose a shorter path.")
        }
        if let slash = path.lastIndex(of: "/") {
            let parent = String(path[..<slash])
            directory = parent.isEmpty ? "/" : parent
            name = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            name = path
        }
        guard name != ".", name != ".." else {
            throw OutputError(.invalidPath, path: given, "'\(name)' cannot be the output's own name. "
                              + "Give a new \(what) name, e.g. \(directory == "." ? "" : directory + "/")out.")
        }
        guard name.utf8.count <= Self.maximumNameBytes else {
            throw OutputError(.invalidPath, path: given, "the name '\(name)' is \(name.utf8.count) bytes long; file "
                              + "systems accept \(Self.maximumNameBytes). Choose a shorter name.")
        }
    }

    /// The final path, joined from directory and name as given.
    var path: String { directory == "/" ? "/" + name : directory + "/" + name }

    /// Creates the missing directories above the output (`mkdir -p`). A file
    /// in the way is a usage error; a refusal by the system (permissions, a
    /// read-only or full file system) an output failure.
    func createDirectory() throws(OutputError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            guard component != "." && component != ".." else { continue }
            switch try entryType(prefix) {
            case .directory:
                continue
            case .missing:
                do {
                    try FileSystem.makeDirectory(prefix)
                } catch {
                    // Another process may have created it meanwhile: fine if a directory.
                    if error.code == EEXIST, try entryType(prefix) == .directory { continue }
                    throw OutputError(error, path: given, "cannot create the directory '\(prefix)'")
                }
            case .regularFile, .other:
                throw OutputError(.invalidPath, path: given, "'\(prefix)' is not a directory, so the output "
                                  + "cannot be created inside it. Choose another --out, or move '\(prefix)' away.")
            }
        }
    }

    private func entryType(_ path: String) throws(OutputError) -> FileSystem.EntryType {
        do {
            return try FileSystem.entryType(path)
        } catch {
            throw OutputError(error, path: given, "cannot check '\(path)'")
        }
    }

    /// Checks what is at the final name now: nothing, or an output of the
    /// right kind that `force` allows to replace.
    func checkTarget(force: Bool) throws(OutputError) {
        switch (try entryType(path), kind) {
        case (.missing, _):
            return
        case (.regularFile, .file), (.directory, .directory):
            guard force else { throw existsError() }
            try requireReplaceable()
        case (.directory, .file):
            throw OutputError(.wrongKind, path: given, "this is a directory, but the output is an HDF5 file; "
                              + "refusing to replace a directory even with --force. Choose a file name.")
        case (.regularFile, .directory):
            throw OutputError(.wrongKind, path: given, "this is a file, but the output is a report directory; "
                              + "refusing to replace a file even with --force. Choose another --out.")
        default:
            throw OutputError(.wrongKind, path: given, "this exists and is neither a regular file nor a directory; "
                              + "refusing to replace it even with --force. Choose another --out.")
        }
    }

    /// `--force` replaces an output of this tool, never other data that
    /// happens to sit under the name: a report directory holds `run.json`
    /// (or nothing), a normalize output is an HDF5 file (or empty).
    private func requireReplaceable() throws(OutputError) {
        switch kind {
        case .directory:
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            guard entries.isEmpty || entries.contains("run.json") else {
                throw OutputError(.wrongKind, path: given, "this directory is not a report of this tool (it has no "
                                  + "run.json but holds \(entries.count) entries); refusing to replace it even with "
                                  + "--force, so that nothing in it is lost. Choose another --out, or remove it yourself.")
            }
        case .file:
            let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
            let head = FileHandle(forReadingAtPath: path).map { handle in
                defer { try? handle.close() }
                return [UInt8]((try? handle.read(upToCount: signature.count)) ?? Data())
            }
            guard let head, head.isEmpty || head == signature else {
                throw OutputError(.wrongKind, path: given, "this file is not an HDF5 file; refusing to replace it "
                                  + "even with --force, so that it is not lost. Choose another --out, or remove it "
                                  + "yourself.")
            }
        }
    }

    func existsError() -> OutputError {
        OutputError(.exists, path: given, kind == .file
            ? "the file already exists. Pass --force to replace it, or choose another --out."
            : "the report directory already exists. Pass --force to replace it, or choose another --out.")
    }

    func appearedMeanwhileError() -> OutputError {
        OutputError(.appearedMeanwhile, path: given, "the output appeared meanwhile: it did not exist when this "
                    + "run started, but another process created it before this run finished. That output is kept "
                    + "and this run's result is discarded. Pass --force to replace it, or choose another --out.")
    }
}

extension OutputError {
    /// A failed system call on the way to writing `path`: the user's path
    /// (a non-directory in it, a name too long, a link loop) or the system.
    init(_ failure: SystemCallError, path: String, _ action: String) {
        let usage: Set<Int32> = [ENOTDIR, ENAMETOOLONG, ELOOP]
        self.init(usage.contains(failure.code) ? .invalidPath : .writeFailed, path: path,
                  "\(action): \(failure.reason). "
                  + (usage.contains(failure.code) ? "Choose another --out." : "Check the permissions and free space of "
                     + "the output's directory, or choose another --out."))
    }
}
