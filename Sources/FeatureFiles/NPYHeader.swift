/// The header of a NumPy `.npy` array (format versions 1.0, 2.0 and 3.0):
/// magic `\x93NUMPY`, version, header length, then a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
/// Parsed here without Python: only the literal forms NumPy writes.
struct NPYHeader {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// NumPy refuses larger headers by default (np.load's max_header_size).
    static let maximumHeaderBytes = 1 << 20

    let type: StoredDType
    let shape: [Int]
    /// Where the data starts, from the start of the .npy bytes.
    let dataOffset: Int

    /// How many leading bytes hold the header (magic to data), or nil when
    /// `prefix` is too short to tell.
    static func headerLength(_ prefix: UnsafeRawBufferPointer, _ site: ErrorSite) throws -> Int? {
        guard prefix.count >= 8 else { return nil }
        try requireMagic(prefix, site)
        let reader = ByteReader(bytes: prefix, site: site, what: ".npy header")
        switch prefix[6] {
        case 1:
            guard prefix.count >= 10 else { return nil }
            return 10 + Int(try reader.integer(UInt16.self, at: 8))
        case 2, 3:
            guard prefix.count >= 12 else { return nil }
            let length = Int(try reader.integer(UInt32.self, at: 8))
            guard length <= maximumHeaderBytes else {
                throw site.error(
                    .malformedHeader, "the .npy header claims \(length) bytes",
                    fix: "The file is damaged; save it again with np.save")
            }
            return 12 + length
        default:
            throw site.error(
                .malformedHeader, "unknown .npy format version \(prefix[6]).\(prefix[7])",
                fix: "Save it with np.save from NumPy (format versions 1.0–3.0)")
        }
    }

    init(parsing bytes: UnsafeRawBufferPointer, _ site: ErrorSite) throws {
        guard bytes.count >= 10 else {
            throw site.error(.truncated, "the file is too short for a .npy header (\(bytes.count) bytes)",
                             fix: "The file is cut short; save it again with np.save")
        }
        try Self.requireMagic(bytes, site)
        guard let end = try Self.headerLength(bytes, site) else {
            throw site.error(.truncated, "the file ends inside its .npy header", fix: "The file is cut short; save it again")
        }
        let start = bytes[6] == 1 ? 10 : 12
        let text = try ByteReader(bytes: bytes, site: site, what: ".npy header").slice(start, count: end - start)
        guard let header = String(validating: text, as: UTF8.self) else {
            throw site.error(.malformedHeader, "the .npy header is not text", fix: "The file is damaged; save it again")
        }
        var parser = PythonLiteral(text: header, site: site)
        let fields = try parser.dictionary()
        guard case .string(let descr)? = fields["descr"] else {
            if case .list? = fields["descr"] {
                throw site.error(
                    .unsupportedType, "the array has a structured dtype (named fields), not plain numbers",
                    fix: "Save a plain numeric array, e.g. np.save(path, np.stack([x[n] for n in x.dtype.names], axis=-1))")
            }
            throw site.error(.malformedHeader, "the .npy header has no 'descr' string", fix: "Save it again with np.save")
        }
        guard case .bool(let fortran)? = fields["fortran_order"] else {
            throw site.error(.malformedHeader, "the .npy header has no 'fortran_order'", fix: "Save it again with np.save")
        }
        guard case .tuple(let shape)? = fields["shape"] else {
            throw site.error(.malformedHeader, "the .npy header has no 'shape' tuple", fix: "Save it again with np.save")
        }
        type = try Self.dtype(descr, site)
        guard !fortran || shape.count < 2 else {
            throw site.error(
                .fortranOrder, "the array is stored in Fortran (column-major) order; features must be row-major",
                fix: "Save a C-order copy: np.save(path, np.ascontiguousarray(x))")
        }
        self.shape = shape
        dataOffset = end
    }

    private static func requireMagic(_ bytes: UnsafeRawBufferPointer, _ site: ErrorSite) throws {
        guard bytes.count >= 8, zip(bytes.prefix(6), magic).allSatisfy({ $0 == $1 }) else {
            throw site.error(
                .malformedHeader, "not a NumPy .npy file (no \\x93NUMPY magic)",
                fix: "Save the features with np.save(path, x)")
        }
    }

    /// `<f4`, `>i2`, `|u1`, `|b1`, ...: byte order, kind, size.
    static func dtype(_ descr: String, _ site: ErrorSite) throws -> StoredDType {
        let unsupported = { (what: String) in
            site.error(
                .unsupportedType, "dtype '\(descr)' (\(what)) is not supported; features must be bool, integers "
                    + "(int8–int64, uint8–uint64) or floats (float16, float32, float64)",
                fix: "Convert before saving, e.g. np.save(path, x.astype(np.float32))")
        }
        let characters = Array(descr)
        guard characters.count >= 2, "<>|=".contains(characters[0]) else { throw unsupported("unknown") }
        if characters[1] == "O" {
            throw site.error(
                .unsupportedType, "the array holds Python objects (dtype=object), not numbers",
                fix: "Save a numeric array: np.save(path, np.asarray(x, dtype=np.float32))")
        }
        guard let size = Int(String(characters[2...])) else { throw unsupported("not a plain number type") }
        let bigEndian = characters[0] == ">"
        let type: StoredDType
        switch (characters[1], size) {
        case ("f", 2), ("f", 4), ("f", 8): type = StoredDType(kind: .float, size: size, bigEndian: bigEndian)
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): type = StoredDType(kind: .signed, size: size, bigEndian: bigEndian)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): type = StoredDType(kind: .unsigned, size: size, bigEndian: bigEndian)
        case ("b", 1): type = StoredDType(kind: .bool, size: 1, bigEndian: false)
        case ("c", _): throw unsupported("complex")
        case ("U", _), ("S", _): throw unsupported("text")
        case ("M", _), ("m", _): throw unsupported("date/time")
        default: throw unsupported("not a plain number type")
        }
        return type
    }
}

/// The Python literals of a .npy header: a dict of string keys whose values
/// are strings, booleans, tuples of integers or (for structured dtypes) lists.
struct PythonLiteral {
    enum Value: Equatable {
        case string(String), bool(Bool), tuple([Int]), list
    }

    private let characters: [Character]
    private var position = 0
    private let site: ErrorSite

    init(text: String, site: ErrorSite) {
        characters = Array(text)
        self.site = site
    }

    mutating func dictionary() throws -> [String: Value] {
        try expect("{")
        var fields: [String: Value] = [:]
        while true {
            skipSpace()
            if peek() == "}" { break }
            guard case .string(let key) = try value() else { throw malformed("a key is not a string") }
            try expect(":")
            fields[key] = try value()
            skipSpace()
            if peek() == "," { position += 1 } else { break }
        }
        try expect("}")
        return fields
    }

    private mutating func value() throws -> Value {
        skipSpace()
        switch peek() {
        case "'", "\"":
            let quote = characters[position]
            position += 1
            guard let close = characters[position...].firstIndex(of: quote) else { throw malformed("a string is not closed") }
            defer { position = close + 1 }
            return .string(String(characters[position..<close]))
        case "(":
            position += 1
            var items: [Int] = []
            while true {
                skipSpace()
                if peek() == ")" { break }
                let digits = characters[position...].prefix { $0.isNumber }
                guard !digits.isEmpty, let number = Int(String(digits)) else { throw malformed("a shape entry is not an integer") }
                items.append(number)
                position += digits.count
                if peek() == "L" { position += 1 }
                skipSpace()
                if peek() == "," { position += 1 } else { break }
            }
            try expect(")")
            return .tuple(items)
        case "[":
            guard let close = characters[position...].lastIndex(of: "]") else { throw malformed("a list is not closed") }
            position = close + 1
            return .list
        default:
            for (word, flag) in [("True", true), ("False", false)]
            where characters[position...].starts(with: word) {
                position += word.count
                return .bool(flag)
            }
            throw malformed("unexpected text at character \(position)")
        }
    }

    private func peek() -> Character? { position < characters.count ? characters[position] : nil }

    private mutating func skipSpace() {
        while let c = peek(), c.isWhitespace { position += 1 }
    }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard peek() == c else { throw malformed("expected '\(c)' at character \(position)") }
        position += 1
    }

    private func malformed(_ detail: String) -> FeatureFileError {
        site.error(.malformedHeader, "the .npy header is not a valid dict literal: \(detail)",
                   fix: "The file is damaged; save it again with np.save")
    }
}
