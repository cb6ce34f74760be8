import CHDF5
import Foundation

/// An HDF5 file opened read-only. The file closes when the object goes away
/// (and after the last batch sequence reading from it).
///
/// Every method is safe to call from any thread: all HDF5 calls go through
/// one process-wide lock.
public final class HDF5File {
    /// The path the file was opened with; every error names it.
    public let path: String
    let handle: FileHandle

    private init(path: String, handle: FileHandle) {
        self.path = path
        self.handle = handle
    }

    public static func open(_ path: String) throws -> HDF5File {
        let site = Site(file: path, dataset: nil)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw site.error(
                .fileNotFound, "no such file",
                fix: "Check the path (relative paths start at \(FileManager.default.currentDirectoryPath))")
        }
        guard !isDirectory.boolValue else {
            throw site.error(.notHDF5, "this is a directory, not an HDF5 file", fix: "Pass the .h5 file inside it")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw site.error(.fileNotFound, "the file is not readable", fix: "Check its permissions (chmod u+r)")
        }
        return try HDF5Library.locked {
            let signature = H5Fis_hdf5(path)
            if signature == 0 {
                throw site.error(
                    .notHDF5, "not an HDF5 file (no HDF5 signature)",
                    fix: "Save the features with h5py, e.g. h5py.File('out.h5', 'w').create_dataset('f', data=x)")
            }
            try site.check(
                signature, "H5Fis_hdf5", .corruptFile, "the file cannot be read as HDF5",
                fix: "Check that the file is complete and readable")
            let id = try site.check(
                H5Fopen(path, chdf5_acc_rdonly(), chdf5_p_default()), "H5Fopen", .corruptFile,
                "the HDF5 file is truncated or corrupted",
                fix: "Copy or write the file again; files cut short by a full disk or an interrupted transfer fail this way")
            return HDF5File(path: path, handle: FileHandle(id))
        }
    }

    /// Whether a group or dataset exists at `path` (never throws: broken
    /// links and invalid paths count as absent).
    public func exists(_ path: String) -> Bool {
        HDF5Library.locked { lookup(HDF5Path.normalize(path)) != nil }
    }

    // MARK: - Internal object lookup (callers hold the lock)

    enum ObjectKind {
        case group, dataset, other
    }

    /// Opens the object at a normalised path, or nil when any link on the
    /// way is missing (H5Lexists fails rather than answering for those).
    func lookup(_ path: String) -> (handle: ObjectHandle, kind: ObjectKind)? {
        var prefix = ""
        for component in HDF5Path.components(path) {
            prefix += "/" + component
            guard H5Lexists(handle.id, prefix, chdf5_p_default()) > 0 else { return nil }
        }
        guard path == "/" || H5Oexists_by_name(handle.id, path, chdf5_p_default()) > 0 else { return nil }
        let id = H5Oopen(handle.id, path, chdf5_p_default())
        guard id >= 0 else { return nil }
        let object = ObjectHandle(id)
        switch H5Iget_type(id) {
        case H5I_GROUP: return (object, .group)
        case H5I_DATASET: return (object, .dataset)
        default: return (object, .other)
        }
    }

    /// Opens a dataset, or throws an error that lists what the file does have.
    func openDataset(_ path: String) throws -> DatasetHandle {
        let site = Site(file: self.path, dataset: path)
        guard let (_, kind) = lookup(path) else {
            throw site.error(
                .datasetNotFound, "no such dataset; \(describeNeighbourhood(of: path))",
                fix: "Use one of the datasets listed (see `regbn-analyze inspect \(self.path)`)")
        }
        guard kind == .dataset else {
            let what = kind == .group ? "a group" : "not a dataset"
            let members = (try? datasetPaths(under: path)) ?? []
            let hint =
                members.isEmpty ? "" : "; datasets inside it: " + Self.abbreviated(members.map(\.path))
            throw site.error(
                .notADataset, "this is \(what), not a dataset\(hint)",
                fix: "Name a dataset, e.g. \(members.first?.path ?? path + "/<name>")")
        }
        let id = try site.check(
            H5Dopen2(handle.id, path, chdf5_p_default()), "H5Dopen2", .corruptFile,
            "the dataset cannot be opened", fix: "The file may be corrupted; write it again")
        return DatasetHandle(id)
    }

    /// "did you mean …? the file has: /f [400, 64], ..." starting from the
    /// deepest existing group, shallowest and most similar names first.
    private func describeNeighbourhood(of path: String) -> String {
        var parent = HDF5Path.parent(path)
        while parent != "/", lookup(parent)?.kind != .group { parent = HDF5Path.parent(parent) }
        let datasets = (try? datasetPaths(under: parent)) ?? []
        guard !datasets.isEmpty else {
            return parent == "/" ? "the file contains no datasets" : "the group \(parent) contains no datasets"
        }
        let wanted = HDF5Path.components(path).last ?? ""
        let depth = HDF5Path.components(parent).count
        let ranked = datasets.map { entry in
            let components = HDF5Path.components(entry.path)
            let distance = EditDistance.between(wanted, components.last ?? "")
            return (entry: entry, key: (components.count - depth, distance))
        }.sorted { $0.key < $1.key }
        var text = ""
        if let best = ranked.first, best.key.1 <= max(2, wanted.count / 3) {
            text = "did you mean \(best.entry.path)? "
        }
        let place = parent == "/" ? "the file has" : "the group \(parent) has"
        return text + "\(place): " + Self.abbreviated(ranked.map { "\($0.entry.path) \($0.entry.shape)" })
    }

    static func abbreviated(_ items: [String], limit: Int = 12) -> String {
        guard items.count > limit else { return items.joined(separator: ", ") }
        return items.prefix(limit).joined(separator: ", ") + ", … (\(items.count - limit) more)"
    }
}
