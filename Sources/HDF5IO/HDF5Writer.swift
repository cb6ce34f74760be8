import CHDF5
import Foundation

/// Writes an HDF5 file at the path it is given and closes it with `finish()`.
///
/// It does not stage or rename: a caller that needs the final name to appear
/// only complete (the command line tool) gives it a staging path and renames
/// that itself. A writer dropped without `finish()` (an error in the caller's
/// logic) deletes its file, so an unfinished file never stays behind.
public final class HDF5Writer {
    /// Where the file is written.
    public let path: String
    /// The name errors give the file (the final output when `path` is a staging file).
    public let displayName: String
    private var file: FileHandle?

    /// Creates a new file at `path`; an existing file is refused unless `overwrite`.
    public convenience init(creating path: String, overwrite: Bool = false) throws {
        try self.init(path: path, displayName: path, mode: overwrite ? .truncate : .exclusive, fileLocking: true)
    }

    /// Writes into the existing empty file at `path` that the caller created
    /// and holds locked (a staging file), reporting errors under `displayName`.
    /// HDF5's own file lock is off for it: an `flock` the caller holds on the
    /// same file would make HDF5's fail.
    public convenience init(filling path: String, displayName: String) throws {
        try self.init(path: path, displayName: displayName, mode: .truncate, fileLocking: false)
    }

    private enum Mode { case exclusive, truncate }

    private init(path: String, displayName: String, mode: Mode, fileLocking: Bool) throws {
        self.path = path
        self.displayName = displayName
        let site = Site(file: displayName, dataset: nil)
        if mode == .exclusive, FileManager.default.fileExists(atPath: path) {
            throw site.error(
                .fileExists, "the file already exists", fix: "Choose another name or allow overwriting")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw site.error(
                .fileNotFound, "the directory \(directory.path) does not exist", fix: "Create it first (mkdir -p)")
        }
        file = FileHandle(
            try Self.writing {
                let access = PropertyListHandle(
                    try site.check(
                        H5Pcreate(chdf5_p_file_access()), "H5Pcreate", .library, "cannot create file access properties"))
                if !fileLocking {
                    try site.check(
                        H5Pset_file_locking(access.id, false, true), "H5Pset_file_locking", .library,
                        "cannot turn off HDF5's file locking")
                }
                return try site.check(
                    H5Fcreate(path, mode == .exclusive ? chdf5_acc_excl() : chdf5_acc_trunc(), chdf5_p_default(),
                              access.id),
                    "H5Fcreate", .writeFailed, "cannot create the file",
                    fix: "Check that the directory is writable and has free space")
            })
    }

    /// Call first thing in a process that writes HDF5 files, before any other
    /// HDF5IO call. HDF5's atexit clean-up flushes files still open, and
    /// crashes (SIGSEGV) on a file whose flush already failed (a full disk,
    /// a file size limit): the process would die instead of exiting with the
    /// error it reported. Complete files are flushed by `finish()`, so the
    /// clean-up has nothing left to save.
    public static func skipLibraryCleanupAtExit() {
        _ = H5dont_atexit()
    }

    deinit {
        guard file != nil else { return }
        file = nil
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Creates a group and any missing parents; existing groups are fine.
    public func createGroup(_ path: String) throws {
        let groupPath = HDF5Path.normalize(path)
        try Self.writing {
            let file = try openFile(groupPath)
            if let existing = file.lookup(groupPath) {
                guard existing.kind == .group else {
                    throw site(groupPath).error(
                        .invalidArgument, "a dataset already has this name", fix: "Choose another group name")
                }
                return
            }
            let links = try linkCreationProperties(groupPath)
            _ = GroupHandle(
                try site(groupPath).check(
                    H5Gcreate2(file.id, groupPath, links.id, chdf5_p_default(), chdf5_p_default()), "H5Gcreate2",
                    .writeFailed, "cannot create the group"))
        }
    }

    /// Writes a float32/float64 (or int64) dataset; parent groups are created.
    /// `chunks` or `gzipLevel` make it chunked (chunks default to ~1 MiB of
    /// whole samples), otherwise it is contiguous.
    public func write<T: HDF5Scalar>(
        _ path: String, shape: [Int], values: [T], chunks: [Int]? = nil, gzipLevel: Int? = nil
    ) throws {
        let storage: DatasetStorage =
            chunks == nil && gzipLevel == nil ? .contiguous : .chunked(chunks: chunks, gzipLevel: gzipLevel)
        try write(path, shape: shape, values: values, storage: storage)
    }

    public func write<T: HDF5Scalar>(_ path: String, shape: [Int], values: [T], storage: DatasetStorage) throws {
        let datasetPath = HDF5Path.normalize(path)
        let site = site(datasetPath)
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw site.error(
                .invalidArgument, "shape \(shape) does not hold \(values.count) values",
                fix: "Pass a shape whose product is the number of values")
        }
        try Self.writing {
            let dataset = try makeDataset(datasetPath, shape: shape, type: T.self, storage: storage)
            guard !values.isEmpty else { return }
            try values.withUnsafeBufferPointer { buffer in
                _ = try site.check(
                    H5Dwrite(
                        dataset.id, T.elementKind.nativeType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(),
                        buffer.baseAddress),
                    "H5Dwrite", .writeFailed, "writing the data failed",
                    fix: "Check the free disk space")
            }
        }
    }

    /// Creates a dataset whose samples (rows along axis 0) are written later
    /// with `writeSamples`, so an output larger than memory is never held whole.
    public func createDataset<T: HDF5Scalar>(
        _ path: String, shape: [Int], of type: T.Type, storage: DatasetStorage = .contiguous
    ) throws {
        let datasetPath = HDF5Path.normalize(path)
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }) else {
            throw site(datasetPath).error(
                .invalidArgument, "shape \(shape) has no samples axis or a negative extent",
                fix: "Pass a shape [N, ...] with non-negative extents")
        }
        try Self.writing { _ = try makeDataset(datasetPath, shape: shape, type: type, storage: storage) }
    }

    /// Creates the dataset (parents included); callers hold the lock.
    func makeDataset<T: HDF5Scalar>(
        _ datasetPath: String, shape: [Int], type: T.Type, storage: DatasetStorage
    ) throws -> DatasetHandle {
        let site = site(datasetPath)
        let file = try openFile(datasetPath)
        guard datasetPath != "/", file.lookup(datasetPath) == nil else {
            throw site.error(.invalidArgument, "an object with this name already exists", fix: "Choose another name")
        }
        let creation = try DatasetCreation.properties(storage, shape: shape, elementSize: MemoryLayout<T>.stride, site)
        let space = DataspaceHandle(
            try site.check(
                shape.isEmpty
                    ? H5Screate(H5S_SCALAR)
                    : H5Screate_simple(Int32(shape.count), shape.map { hsize_t($0) }, nil),
                "H5Screate_simple", .writeFailed, "cannot create the dataspace"))
        let links = try linkCreationProperties(datasetPath)
        return DatasetHandle(
            try site.check(
                H5Dcreate2(
                    file.id, datasetPath, T.elementKind.fileType, space.id, links.id, creation.id, chdf5_p_default()),
                "H5Dcreate2", .writeFailed, "cannot create the dataset"))
    }

    /// Sets (or replaces) a string or numeric attribute on a group or dataset.
    public func setAttribute(_ name: String, _ value: AttributeValue, on path: String = "/") throws {
        let objectPath = HDF5Path.normalize(path)
        let site = site(objectPath)
        try Self.writing {
            let file = try openFile(objectPath)
            guard let (object, _) = file.lookup(objectPath) else {
                throw site.error(
                    .datasetNotFound, "no such group or dataset to attach attribute '\(name)' to",
                    fix: "Create the group or dataset first")
            }
            try AttributeWriter.write(name, value, on: object, site)
        }
    }

    /// Flushes everything to the file and closes it; the file at `path` is
    /// then complete. The writer accepts no further writes.
    public func finish() throws {
        let site = site(nil)
        try Self.writing {
            let file = try openFile(nil)
            try site.check(
                H5Fflush(file.id, H5F_SCOPE_GLOBAL), "H5Fflush", .writeFailed, "flushing the file failed",
                fix: "Check the free disk space")
        }
        // Closing after a successful global flush writes nothing that matters
        // (the caller syncs the file to disk before publishing it).
        file = nil
    }

    // MARK: - Helpers (callers hold the lock)

    /// Runs `body` holding the HDF5 lock. A failed write gets the system's
    /// reason ("No space left on device"), which HDF5 reports only deep in
    /// its error stack, into its message.
    static func writing<R>(_ body: () throws -> R) throws -> R {
        do {
            return try HDF5Library.locked(body)
        } catch let error as HDF5Error where error.kind == .writeFailed {
            guard let reason = systemReason(in: error.stack), !error.message.contains(reason) else { throw error }
            throw HDF5Error(
                error.kind, file: error.file, dataset: error.dataset, message: "\(error.message): \(reason)",
                fix: error.fix, call: error.call, stack: error.stack)
        }
    }

    /// The strerror text HDF5's POSIX driver puts in its stack entries
    /// ("…, errno = 28, error message = 'No space left on device', …").
    static func systemReason(in stack: [String]) -> String? {
        let marker = "error message = '"
        for entry in stack {
            guard let start = entry.range(of: marker)?.upperBound,
                  let end = entry[start...].firstIndex(of: "'") else { continue }
            return String(entry[start..<end])
        }
        return nil
    }

    func site(_ dataset: String?) -> Site { Site(file: displayName, dataset: dataset) }

    func openFile(_ dataset: String?) throws -> FileHandle {
        guard let file else {
            throw site(dataset).error(
                .invalidArgument, "the writer has already finished the file", fix: "Create a new HDF5Writer")
        }
        return file
    }

    /// Link creation properties that create missing parent groups.
    func linkCreationProperties(_ dataset: String) throws -> PropertyListHandle {
        let site = site(dataset)
        let links = PropertyListHandle(
            try site.check(H5Pcreate(chdf5_p_link_create()), "H5Pcreate", .library, "cannot create link properties"))
        try site.check(
            H5Pset_create_intermediate_group(links.id, 1), "H5Pset_create_intermediate_group", .library,
            "cannot set link properties")
        return links
    }
}
