import CHDF5

/// Owns one HDF5 identifier and closes it in `deinit`; subclasses pick the
/// close function of their object kind. Callers outside HDF5IO never see ids.
class Handle {
    let id: hid_t

    init(_ id: hid_t) { self.id = id }

    class func close(_ id: hid_t) -> herr_t { H5Oclose(id) }

    deinit {
        let id = id
        let kind = type(of: self)
        HDF5Library.locked { _ = kind.close(id) }
    }
}

final class FileHandle: Handle {
    override class func close(_ id: hid_t) -> herr_t { H5Fclose(id) }
}

final class GroupHandle: Handle {
    override class func close(_ id: hid_t) -> herr_t { H5Gclose(id) }
}

final class DatasetHandle: Handle {
    override class func close(_ id: hid_t) -> herr_t { H5Dclose(id) }
}

final class DataspaceHandle: Handle {
    override class func close(_ id: hid_t) -> herr_t { H5Sclose(id) }
}

final class DatatypeHandle: Handle {
    override class func close(_ id: hid_t) -> herr_t { H5Tclose(id) }
}

final class AttributeHandle: Handle {
    override class func close(_ id: hid_t) -> herr_t { H5Aclose(id) }
}

final class PropertyListHandle: Handle {
    override class func close(_ id: hid_t) -> herr_t { H5Pclose(id) }
}

/// Any object opened by path (group or dataset), closed with H5Oclose.
final class ObjectHandle: Handle {}
