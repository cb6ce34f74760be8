import CHDF5

/// Metadata queries on an open dataset; callers hold the lock.
extension DatasetHandle {
    /// The dataspace extent: `[]` for a scalar, nil for a null dataspace.
    func shape(_ site: Site) throws -> [Int]? {
        let space = DataspaceHandle(
            try site.check(H5Dget_space(id), "H5Dget_space", .corruptFile, "the dataspace cannot be read"))
        return try space.shape(site)
    }

    func elementType(_ site: Site) throws -> ElementType {
        let type = DatatypeHandle(
            try site.check(H5Dget_type(id), "H5Dget_type", .corruptFile, "the element type cannot be read"))
        return try type.elementType(site)
    }

    func creationProperties(_ site: Site) throws -> PropertyListHandle {
        PropertyListHandle(
            try site.check(
                H5Dget_create_plist(id), "H5Dget_create_plist", .corruptFile,
                "the storage properties cannot be read"))
    }

    /// Layout, chunk shape and filter pipeline.
    func storage(_ site: Site) throws -> (layout: StorageLayout, chunks: [Int]?, filters: [FilterInfo]) {
        let plist = try creationProperties(site)
        let layout: StorageLayout
        switch H5Pget_layout(plist.id) {
        case H5D_COMPACT: layout = .compact
        case H5D_CONTIGUOUS: layout = .contiguous
        case H5D_CHUNKED: layout = .chunked
        case H5D_VIRTUAL: layout = .virtual
        default: throw site.error(.corruptFile, "the storage layout cannot be read")
        }
        guard layout == .chunked else { return (layout, nil, []) }
        var dims = [hsize_t](repeating: 0, count: Int(H5S_MAX_RANK))
        let rank = try site.check(
            H5Pget_chunk(plist.id, Int32(dims.count), &dims), "H5Pget_chunk", .corruptFile,
            "the chunk shape cannot be read")
        return (layout, dims.prefix(Int(rank)).map { Int($0) }, try plist.filters(site))
    }

    /// Throws `filterUnavailable` before a read that HDF5 would fail with a
    /// generic "can't read data" when a filter plugin (LZF, Blosc, ...) is missing.
    func requireFiltersAvailable(_ site: Site) throws {
        let plist = try creationProperties(site)
        guard H5Pget_layout(plist.id) == H5D_CHUNKED else { return }
        for filter in try plist.filters(site) where !filter.isAvailable {
            let dataset = site.dataset ?? "/dataset"
            throw site.error(
                .filterUnavailable,
                "filter \(filter.id) (\(filter.name)) is not available in this HDF5 build",
                fix: "Re-save with gzip: h5py.File('fixed.h5', 'w').create_dataset('\(dataset)', "
                    + "data=h5py.File('\(site.file)')['\(dataset)'][...], compression='gzip'), "
                    + "or install the \(filter.name) HDF5 plugin and point HDF5_PLUGIN_PATH at it")
        }
    }
}

extension DataspaceHandle {
    func shape(_ site: Site) throws -> [Int]? {
        switch H5Sget_simple_extent_type(id) {
        case H5S_NULL: return nil
        case H5S_SCALAR: return []
        case H5S_SIMPLE:
            let rank = try site.check(
                H5Sget_simple_extent_ndims(id), "H5Sget_simple_extent_ndims", .corruptFile,
                "the dataspace cannot be read")
            var dims = [hsize_t](repeating: 0, count: Int(rank))
            try site.check(
                H5Sget_simple_extent_dims(id, &dims, nil), "H5Sget_simple_extent_dims", .corruptFile,
                "the dataspace cannot be read")
            return dims.map { Int($0) }
        default:
            throw site.error(.corruptFile, "the dataspace cannot be read")
        }
    }
}

extension DatatypeHandle {
    func elementType(_ site: Site) throws -> ElementType {
        let elementClass: ElementClass
        switch H5Tget_class(id) {
        case H5T_INTEGER: elementClass = .integer
        case H5T_FLOAT: elementClass = .float
        case H5T_STRING: elementClass = .string
        case H5T_COMPOUND: elementClass = .compound
        case H5T_ENUM: elementClass = .enumeration
        case H5T_REFERENCE: elementClass = .reference
        case H5T_OPAQUE: elementClass = .opaque
        case H5T_BITFIELD: elementClass = .bitfield
        case H5T_ARRAY: elementClass = .array
        case H5T_VLEN: elementClass = .variableLength
        case H5T_TIME: elementClass = .time
        default: elementClass = .unknown
        }
        let size = H5Tget_size(id)
        guard size > 0 else { throw site.error(.corruptFile, "the element size cannot be read") }
        var byteOrder = ByteOrder.none
        var isSigned: Bool?
        if [.integer, .float, .bitfield, .enumeration].contains(elementClass) {
            switch H5Tget_order(id) {
            case H5T_ORDER_LE: byteOrder = .littleEndian
            case H5T_ORDER_BE: byteOrder = .bigEndian
            case H5T_ORDER_VAX, H5T_ORDER_MIXED: byteOrder = .mixed
            default: byteOrder = .none
            }
        }
        if elementClass == .integer { isSigned = H5Tget_sign(id) == H5T_SGN_2 }
        return ElementType(elementClass: elementClass, size: size, byteOrder: byteOrder, isSigned: isSigned)
    }
}

extension PropertyListHandle {
    /// The filter pipeline of a dataset creation property list.
    func filters(_ site: Site) throws -> [FilterInfo] {
        let count = try site.check(
            H5Pget_nfilters(id), "H5Pget_nfilters", .corruptFile, "the filter pipeline cannot be read")
        return try (0..<UInt32(count)).map { index in
            var flags: UInt32 = 0
            var parameterCount = 8
            var parameters = [UInt32](repeating: 0, count: parameterCount)
            var name = [CChar](repeating: 0, count: 64)
            var config: UInt32 = 0
            let filter = try site.check(
                H5Pget_filter2(id, index, &flags, &parameterCount, &parameters, name.count, &name, &config),
                "H5Pget_filter2", .corruptFile, "the filter pipeline cannot be read")
            let storedName = String(
                decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let known = FilterInfo.knownName(Int(filter))
            return FilterInfo(
                id: Int(filter),
                name: known ?? (storedName.isEmpty ? "filter \(filter)" : storedName),
                isAvailable: H5Zfilter_avail(filter) > 0,
                parameters: Array(parameters.prefix(min(parameterCount, parameters.count))))
        }
    }
}
