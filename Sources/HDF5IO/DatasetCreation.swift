import CHDF5

extension HDF5ElementKind {
    /// The little-endian file type written for this element kind.
    var fileType: hid_t {
        switch self {
        case .float32: chdf5_ieee_f32le()
        case .float64: chdf5_ieee_f64le()
        case .int64: chdf5_std_i64le()
        }
    }
}

/// Dataset creation property lists for `DatasetStorage`; callers hold the lock.
enum DatasetCreation {
    static func properties(
        _ storage: DatasetStorage, shape: [Int], elementSize: Int, _ site: Site
    ) throws -> PropertyListHandle {
        let plist = PropertyListHandle(
            try site.check(
                H5Pcreate(chdf5_p_dataset_create()), "H5Pcreate", .library, "cannot create dataset properties"))
        switch storage {
        case .contiguous:
            break
        case .compact:
            let bytes = shape.reduce(elementSize, *)
            guard bytes <= DatasetStorage.compactLimit else {
                throw site.error(
                    .invalidArgument,
                    "compact storage holds at most \(DatasetStorage.compactLimit) bytes, this dataset has \(bytes)",
                    fix: "Use contiguous or chunked storage")
            }
            try site.check(H5Pset_layout(plist.id, H5D_COMPACT), "H5Pset_layout", .writeFailed, "cannot set the layout")
        case .chunked(let chunks, let gzipLevel, let shuffle, let fletcher32):
            guard !shape.isEmpty else {
                throw site.error(.invalidArgument, "a scalar dataset cannot be chunked", fix: "Use contiguous storage")
            }
            let chunkShape = chunks ?? DatasetStorage.defaultChunks(for: shape, elementSize: elementSize)
            guard chunkShape.count == shape.count,
                zip(chunkShape, shape).allSatisfy({ $0 >= 1 && $0 <= max(1, $1) })
            else {
                throw site.error(
                    .invalidArgument, "chunk shape \(chunkShape) does not fit dataset shape \(shape)",
                    fix: "Give one chunk size per axis, each between 1 and the axis length")
            }
            try site.check(
                H5Pset_chunk(plist.id, Int32(chunkShape.count), chunkShape.map { hsize_t($0) }), "H5Pset_chunk",
                .writeFailed, "cannot set the chunk shape")
            if fletcher32 {
                try site.check(H5Pset_fletcher32(plist.id), "H5Pset_fletcher32", .writeFailed, "cannot add fletcher32")
            }
            if shuffle {
                try site.check(H5Pset_shuffle(plist.id), "H5Pset_shuffle", .writeFailed, "cannot add shuffle")
            }
            if let gzipLevel {
                guard (0...9).contains(gzipLevel) else {
                    throw site.error(
                        .invalidArgument, "gzip level \(gzipLevel) is not between 0 and 9",
                        fix: "Use a level from 0 to 9")
                }
                try site.check(
                    H5Pset_deflate(plist.id, UInt32(gzipLevel)), "H5Pset_deflate", .writeFailed, "cannot add gzip")
            }
        }
        return plist
    }
}
