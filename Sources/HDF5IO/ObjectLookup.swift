import CHDF5

extension FileHandle {
    enum ObjectKind {
        case group, dataset, other
    }

    /// Opens the object at a normalised path, or nil when any link on the
    /// way is missing (H5Lexists fails rather than answering for those).
    /// Callers hold the lock.
    func lookup(_ path: String) -> (handle: ObjectHandle, kind: ObjectKind)? {
        var prefix = ""
        for component in HDF5Path.components(path) {
            prefix += "/" + component
            guard H5Lexists(id, prefix, chdf5_p_default()) > 0 else { return nil }
        }
        guard path == "/" || H5Oexists_by_name(id, path, chdf5_p_default()) > 0 else { return nil }
        let objectID = H5Oopen(id, path, chdf5_p_default())
        guard objectID >= 0 else { return nil }
        let object = ObjectHandle(objectID)
        switch H5Iget_type(objectID) {
        case H5I_GROUP: return (object, .group)
        case H5I_DATASET: return (object, .dataset)
        default: return (object, .other)
        }
    }
}
