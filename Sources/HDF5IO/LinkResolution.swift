import CHDF5
import Foundation

extension HDF5File {
    /// Opens the object at a normalised path like `lookup`, but tells apart
    /// what `lookup` folds into "absent": a soft or external link that
    /// dangles, and an object that exists but cannot be opened (a damaged
    /// header, a format newer than this library). nil only when a link on
    /// the way does not exist. Callers hold the lock.
    func resolve(_ path: String) throws -> (handle: ObjectHandle, kind: ObjectKind)? {
        let site = Site(file: self.path, dataset: path)
        var prefix = ""
        for component in HDF5Path.components(path) {
            prefix += "/" + component
            guard H5Lexists(handle.id, prefix, chdf5_p_default()) > 0 else { return nil }
            var link = H5L_info_t()
            try site.check(
                H5Lget_info(handle.id, prefix, &link, chdf5_p_default()), "H5Lget_info", .corruptFile,
                "the link \(prefix) cannot be read", fix: "The file may be corrupted; write it again")
            switch link.type {
            case H5L_TYPE_SOFT, H5L_TYPE_EXTERNAL:
                guard H5Oexists_by_name(handle.id, prefix, chdf5_p_default()) <= 0 else { continue }
                throw try danglingLink(prefix, link: link, site)
            default:
                continue
            }
        }
        let id = try site.check(
            H5Oopen(handle.id, path, chdf5_p_default()), "H5Oopen", .corruptFile,
            "the object cannot be opened", fix: "The file may be corrupted; write it again")
        let object = ObjectHandle(id)
        switch H5Iget_type(id) {
        case H5I_GROUP: return (object, .group)
        case H5I_DATASET: return (object, .dataset)
        default: return (object, .other)
        }
    }

    /// The error for a soft or external link whose target is not there,
    /// naming the missing file or object.
    private func danglingLink(_ linkPath: String, link: H5L_info_t, _ site: Site) throws -> HDF5Error {
        var value = [UInt8](repeating: 0, count: max(1, Int(link.u.val_size)))
        try site.check(
            H5Lget_val(handle.id, linkPath, &value, value.count, chdf5_p_default()), "H5Lget_val", .corruptFile,
            "the link \(linkPath) cannot be read")
        guard link.type == H5L_TYPE_EXTERNAL else {
            let target = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            return site.error(
                .datasetNotFound, "the soft link \(linkPath) points to \(target), which does not exist",
                fix: "Name the dataset itself, or repair the link")
        }
        var flags: UInt32 = 0
        var fileName: UnsafePointer<CChar>?
        var objectName: UnsafePointer<CChar>?
        try site.check(
            H5Lunpack_elink_val(&value, value.count, &flags, &fileName, &objectName), "H5Lunpack_elink_val",
            .corruptFile, "the external link \(linkPath) cannot be read")
        let targetFile = fileName.map { String(cString: $0) } ?? "?"
        let targetObject = objectName.map { String(cString: $0) } ?? "?"
        let candidates = Self.linkedFileCandidates(targetFile, besides: self.path)
        guard candidates.contains(where: { if case .regular = PathKind.of($0) { true } else { false } }) else {
            return site.error(
                .missingLinkedFile,
                "the external link \(linkPath) points to \(targetFile):\(targetObject), and \(targetFile) "
                    + "does not exist (looked for \(candidates.joined(separator: " and ")))",
                fix: "Put \(targetFile) back beside \(self.path), or name the dataset in its own file")
        }
        return site.error(
            .missingLinkedFile,
            "the external link \(linkPath) points to \(targetFile):\(targetObject), which cannot be opened "
                + "(the object is missing from that file, or the file is not readable HDF5)",
            fix: "Check \(targetFile) with `inspect`, or name the dataset in its own file")
    }

    /// Where HDF5 looks for a file named by an external link or a virtual
    /// dataset mapping: as given (relative to the working directory), then
    /// beside the file that names it.
    static func linkedFileCandidates(_ name: String, besides file: String) -> [String] {
        guard !name.hasPrefix("/") else { return [name] }
        let beside = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(name).path
        return beside == URL(fileURLWithPath: name).path ? [name] : [name, beside]
    }
}
