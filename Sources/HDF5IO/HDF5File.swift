import CHDF5
import Foundation
import Suggestions

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
        let kind = PathKind.of(path)
        if let problem = kind.problem {
            throw site.error(
                kind == .missing || kind == .unreadable ? .fileNotFound : .notRegularFile, problem.message,
                fix: kind == .missing
                    ? "Check the path (relative paths start at \(FileManager.default.currentDirectoryPath))"
                    : problem.fix)
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
                fix:
                    "Copy or write the file again; files cut short by a full disk or an interrupted transfer fail this way"
            )
            return HDF5File(path: path, handle: FileHandle(id))
        }
    }

    /// Whether a group or dataset exists at `path` (never throws: broken
    /// links and invalid paths count as absent).
    public func exists(_ path: String) -> Bool {
        HDF5Library.locked { lookup(HDF5Path.normalize(path)) != nil }
    }

    // MARK: - Internal object lookup (callers hold the lock)

    typealias ObjectKind = FileHandle.ObjectKind

    func lookup(_ path: String) -> (handle: ObjectHandle, kind: ObjectKind)? { handle.lookup(path) }

    /// Datasets opened through this object (H5Dopen2 calls), so that tests
    /// can prove a batch read never reopens its dataset. Guarded by the lock.
    internal private(set) var datasetOpens = 0

    /// Opens a dataset, or throws an error that lists what the file does have.
    func openDataset(_ path: String) throws -> DatasetHandle {
        let site = Site(file: self.path, dataset: path)
        guard let (_, kind) = try resolve(path) else {
            throw site.error(
                .datasetNotFound, "no such dataset; \(describeNeighbourhood(of: path))",
                fix: "Use one of the datasets listed")
        }
        guard kind == .dataset else {
            let what = kind == .group ? "a group" : "not a dataset"
            let members = kind == .group ? describeMembers(of: path) : ""
            let example = (try? datasetPaths(under: path))?.first?.path ?? path + "/<name>"
            throw site.error(
                .notADataset, "this is \(what), not a dataset\(members)",
                fix: "Name a dataset, e.g. \(example)")
        }
        datasetOpens += 1
        let id = try site.check(
            H5Dopen2(handle.id, path, chdf5_p_default()), "H5Dopen2", .corruptFile,
            "the dataset cannot be opened", fix: "The file may be corrupted; write it again")
        return DatasetHandle(id)
    }

    /// "did you mean …? the file has: /f [400, 64], ..." starting from the
    /// deepest existing group, its own datasets first. Listing failures only
    /// shorten the message of the error being thrown.
    private func describeNeighbourhood(of path: String) -> String {
        var parent = HDF5Path.parent(path)
        while parent != "/", lookup(parent)?.kind != .group { parent = HDF5Path.parent(parent) }
        let datasets = (try? datasetPaths(under: parent)) ?? []
        guard !datasets.isEmpty else {
            return parent == "/" ? "the file contains no datasets" : "the group \(parent) contains no datasets"
        }
        let wanted = HDF5Path.components(path).last ?? ""
        let ranked = datasets.sorted {
            (HDF5Path.components($0.path).count, $0.path) < (HDF5Path.components($1.path).count, $1.path)
        }
        let nearest = datasets.map {
            (path: $0.path, distance: editDistance(wanted, HDF5Path.components($0.path).last ?? ""))
        }
        .min { ($0.distance, $0.path) < ($1.distance, $1.path) }
        var text = ""
        if let nearest, nearest.distance <= max(2, wanted.count / 3) {
            text = "did you mean \(nearest.path)? "
        }
        let place = parent == "/" ? "the file has" : "the group \(parent) has"
        return text + "\(place): " + Self.abbreviated(ranked.map { "\($0.path) \($0.shape)" })
    }

    /// "; it contains: a, sub/, ..." for a group's direct members. Listing
    /// failures only shorten the message of the error being thrown.
    private func describeMembers(of group: String) -> String {
        guard let entries = try? walk(from: group) else { return "" }
        let depth = HDF5Path.components(group).count + 1
        let members = entries.filter { HDF5Path.components($0.path).count == depth }.map { entry in
            let name = HDF5Path.components(entry.path).last ?? entry.path
            return entry.kind == .group ? name + "/" : name
        }
        return members.isEmpty ? "; it is empty" : "; it contains: " + Self.abbreviated(members)
    }

    static func abbreviated(_ items: [String], limit: Int = 12) -> String {
        guard items.count > limit else { return items.joined(separator: ", ") }
        return items.prefix(limit).joined(separator: ", ") + ", … (\(items.count - limit) more)"
    }
}
