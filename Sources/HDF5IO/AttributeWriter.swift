import CHDF5

/// Writes `AttributeValue`s the way h5py does (UTF-8 variable-length strings,
/// int64 and float64 numbers, scalar or 1-D); callers hold the lock.
enum AttributeWriter {
    static func write(_ name: String, _ value: AttributeValue, on object: Handle, _ site: Site) throws {
        if try site.check(H5Aexists(object.id, name), "H5Aexists", .writeFailed, "cannot check attribute '\(name)'") > 0
        {
            try site.check(H5Adelete(object.id, name), "H5Adelete", .writeFailed, "cannot replace attribute '\(name)'")
        }
        switch value {
        case .string(let text):
            let type = try variableString(site)
            let attribute = try create(name, type: type, shape: [], on: object, site)
            try text.withCString { characters in
                var pointer: UnsafePointer<CChar>? = characters
                try site.check(
                    H5Awrite(attribute.id, type.id, &pointer), "H5Awrite", .writeFailed,
                    "cannot write attribute '\(name)'")
            }
        case .int(let number):
            try writeNumbers([number], shape: [], name, on: object, site)
        case .ints(let numbers):
            try writeNumbers(numbers, shape: [numbers.count], name, on: object, site)
        case .double(let number):
            try writeNumbers([number], shape: [], name, on: object, site)
        case .doubles(let numbers):
            try writeNumbers(numbers, shape: [numbers.count], name, on: object, site)
        }
    }

    private static func writeNumbers<T: HDF5Scalar>(
        _ values: [T], shape: [Int], _ name: String, on object: Handle, _ site: Site
    ) throws {
        let fileType = DatatypeHandle(
            try site.check(H5Tcopy(T.elementKind.fileType), "H5Tcopy", .library, "cannot copy a type"))
        let attribute = try create(name, type: fileType, shape: shape, on: object, site)
        guard !values.isEmpty else { return }
        try values.withUnsafeBufferPointer { buffer in
            _ = try site.check(
                H5Awrite(attribute.id, T.elementKind.nativeType, buffer.baseAddress), "H5Awrite", .writeFailed,
                "cannot write attribute '\(name)'")
        }
    }

    private static func variableString(_ site: Site) throws -> DatatypeHandle {
        let type = DatatypeHandle(try site.check(H5Tcopy(chdf5_c_s1()), "H5Tcopy", .library, "cannot copy a type"))
        try site.check(H5Tset_size(type.id, chdf5_t_variable()), "H5Tset_size", .library, "cannot size a string type")
        try site.check(H5Tset_cset(type.id, H5T_CSET_UTF8), "H5Tset_cset", .library, "cannot set UTF-8")
        return type
    }

    private static func create(
        _ name: String, type: DatatypeHandle, shape: [Int], on object: Handle, _ site: Site
    ) throws -> AttributeHandle {
        let space = DataspaceHandle(
            try site.check(
                shape.isEmpty
                    ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), shape.map { hsize_t($0) }, nil),
                "H5Screate", .writeFailed, "cannot create the dataspace of attribute '\(name)'"))
        return AttributeHandle(
            try site.check(
                H5Acreate2(object.id, name, type.id, space.id, chdf5_p_default(), chdf5_p_default()), "H5Acreate2",
                .writeFailed, "cannot create attribute '\(name)'"))
    }
}
