import CHDF5

/// Reads attributes into `AttributeValue`s; callers hold the lock.
enum AttributeReader {
    private final class NameCollector {
        var names: [String] = []
    }

    static func names(of object: Handle, _ site: Site) throws -> [String] {
        let collector = NameCollector()
        let visit: H5A_operator2_t = { _, name, _, clientData in
            guard let name, let clientData else { return 0 }
            Unmanaged<NameCollector>.fromOpaque(clientData).takeUnretainedValue().names.append(String(cString: name))
            return 0
        }
        try withExtendedLifetime(collector) {
            var index: hsize_t = 0
            try site.check(
                H5Aiterate2(
                    object.id, H5_INDEX_NAME, H5_ITER_INC, &index, visit,
                    Unmanaged.passUnretained(collector).toOpaque()),
                "H5Aiterate2", .corruptFile, "the attributes cannot be listed")
        }
        return collector.names
    }

    static func entries(of object: Handle, _ site: Site) throws -> [AttributeEntry] {
        try names(of: object, site).map { name in
            do {
                return AttributeEntry(name: name, value: try read(name, of: object, site), problem: nil)
            } catch let error as HDF5Error {
                return AttributeEntry(name: name, value: nil, problem: error.message)
            }
        }
    }

    static func read(_ name: String, of object: Handle, _ site: Site) throws -> AttributeValue {
        let attribute = AttributeHandle(
            try site.check(
                H5Aopen(object.id, name, chdf5_p_default()), "H5Aopen", .corruptFile,
                "the attribute '\(name)' cannot be opened"))
        let type = DatatypeHandle(
            try site.check(
                H5Aget_type(attribute.id), "H5Aget_type", .corruptFile,
                "the type of attribute '\(name)' cannot be read"))
        let space = DataspaceHandle(
            try site.check(
                H5Aget_space(attribute.id), "H5Aget_space", .corruptFile,
                "the dataspace of attribute '\(name)' cannot be read"))
        let shape = try space.shape(site) ?? [0]
        guard let count = CheckedSize.elementCount(shape), CheckedSize.bytes(count, elementSize: 8) != nil else {
            throw site.error(
                .tooLarge, "attribute '\(name)' declares the shape \(shape), too large to address",
                fix: "The file's header is damaged; write the file again")
        }
        let isScalar = shape.isEmpty
        let elementType = try type.elementType(site)

        switch elementType.elementClass {
        case .string where count == 1:
            return .string(try readString(attribute, type: type, name: name, site))
        case .integer:
            let values: [Int64] = try readNumbers(attribute, memoryType: chdf5_native_int64(), count: count, name, site)
            return isScalar ? .int(values[0]) : .ints(values)
        case .float:
            let values: [Double] = try readNumbers(
                attribute, memoryType: chdf5_native_double(), count: count, name, site)
            return isScalar ? .double(values[0]) : .doubles(values)
        case .enumeration:
            // h5py stores numpy bools as an int8 enum {FALSE, TRUE}; HDF5 cannot
            // convert enums to integers, so the values are read in the enum's
            // native form and widened from its integer base type.
            let values = try readEnumValues(attribute, type: type, count: count, name, site)
            return isScalar ? .int(values[0]) : .ints(values)
        default:
            throw site.error(
                .unsupportedType,
                "attribute '\(name)' has type \(elementType.elementClass.rawValue) "
                    + "(\(elementType.size) bytes, \(count) elements), which is not a string or number",
                fix: "Store it as a string or a numeric scalar/array")
        }
    }

    private static func readNumbers<T: HDF5Scalar>(
        _ attribute: AttributeHandle, memoryType: hid_t, count: Int, _ name: String, _ site: Site
    ) throws -> [T] {
        try HDF5File.allocate(count, site) { buffer in
            guard count > 0 else { return }
            try site.check(
                H5Aread(attribute.id, memoryType, buffer.baseAddress), "H5Aread", .readFailed,
                "attribute '\(name)' cannot be read")
        }
    }

    private static func readString(
        _ attribute: AttributeHandle, type: DatatypeHandle, name: String, _ site: Site
    ) throws -> String {
        let memoryType = DatatypeHandle(
            try site.check(H5Tcopy(type.id), "H5Tcopy", .library, "copying the string type failed"))
        if try site.check(H5Tis_variable_str(type.id), "H5Tis_variable_str", .corruptFile, "bad string type") > 0 {
            var pointer: UnsafeMutablePointer<CChar>?
            try site.check(
                H5Aread(attribute.id, memoryType.id, &pointer), "H5Aread", .readFailed,
                "attribute '\(name)' cannot be read")
            defer { if let pointer { H5free_memory(pointer) } }
            return pointer.map { String(cString: $0) } ?? ""
        }
        let size = H5Tget_size(type.id)
        var bytes = [UInt8](repeating: 0, count: size)
        try site.check(
            H5Aread(attribute.id, memoryType.id, &bytes), "H5Aread", .readFailed,
            "attribute '\(name)' cannot be read")
        var text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        if H5Tget_strpad(type.id) == H5T_STR_SPACEPAD {
            while text.last == " " { text.removeLast() }
        }
        return text
    }

    private static func readEnumValues(
        _ attribute: AttributeHandle, type: DatatypeHandle, count: Int, _ name: String, _ site: Site
    ) throws -> [Int64] {
        let native = DatatypeHandle(
            try site.check(
                H5Tget_native_type(type.id, H5T_DIR_ASCEND), "H5Tget_native_type", .unsupportedType,
                "attribute '\(name)' has an enum type without a native form"))
        let base = DatatypeHandle(
            try site.check(H5Tget_super(native.id), "H5Tget_super", .unsupportedType, "bad enum type"))
        let size = H5Tget_size(native.id)
        let signed = H5Tget_sign(base.id) == H5T_SGN_2
        guard [1, 2, 4, 8].contains(size), H5Tget_class(base.id) == H5T_INTEGER else {
            throw site.error(
                .unsupportedType, "attribute '\(name)' is an enum of \(size)-byte non-integers",
                fix: "Store it as an integer")
        }
        var bytes = [UInt8](repeating: 0, count: size * count)
        if count > 0 {
            try site.check(
                H5Aread(attribute.id, native.id, &bytes), "H5Aread", .readFailed,
                "attribute '\(name)' cannot be read")
        }
        return (0..<count).map { index in
            bytes.withUnsafeBytes { raw in
                let offset = index * size
                switch (size, signed) {
                case (1, true): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: Int8.self))
                case (1, false): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: UInt8.self))
                case (2, true): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))
                case (2, false): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                case (4, true): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                case (4, false): return Int64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                case (8, true): return raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)
                default: return Int64(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                }
            }
        }
    }
}
