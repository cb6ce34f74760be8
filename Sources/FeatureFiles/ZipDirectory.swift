/// One member of a zip archive, from its central directory entry.
struct ZipEntry: Sendable {
    enum Method: Sendable, Equatable {
        case stored, deflated
        case other(UInt16)
    }

    let name: String
    let method: Method
    let encrypted: Bool
    let crc32: UInt32
    let compressedSize: Int
    let uncompressedSize: Int
    let localHeaderOffset: Int
}

/// The central directory of a zip archive (PKWARE APPNOTE 6.3), including
/// zip64 records, which np.savez writes for members over 4 GiB. Only what
/// reading members needs is decoded; every offset and size is checked
/// against the file so a damaged archive is an error, never a wild read.
enum ZipDirectory {
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let localSignature: UInt32 = 0x0403_4B50

    static func entries(in bytes: UnsafeRawBufferPointer, _ site: ErrorSite) throws -> [ZipEntry] {
        let reader = ByteReader(bytes: bytes, site: site, what: "zip directory")
        let notZip = site.error(
            .malformedHeader, "not a zip archive (no end-of-central-directory record); .npz files are zip archives",
            fix: "Save the features with np.savez(path, name=x) or np.savez_compressed")
        // The end record is 22 bytes plus a comment of at most 65535 bytes.
        let lowest = max(0, bytes.count - 22 - 65535)
        var end = bytes.count - 22
        while end >= lowest, try reader.integer(UInt32.self, at: end) != endSignature { end -= 1 }
        guard end >= lowest else { throw notZip }
        var count = Int(try reader.integer(UInt16.self, at: end + 10))
        var directorySize = Int(try reader.integer(UInt32.self, at: end + 12))
        var directoryOffset = Int(try reader.integer(UInt32.self, at: end + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = end - 20
            guard locator >= 0, try reader.integer(UInt32.self, at: locator) == zip64LocatorSignature else {
                throw site.error(.malformedHeader, "the zip64 directory locator is missing", fix: "The archive is damaged; save it again")
            }
            let record = try checkedInt(try reader.integer(UInt64.self, at: locator + 8), site)
            guard try reader.integer(UInt32.self, at: record) == zip64EndSignature else {
                throw site.error(.malformedHeader, "the zip64 directory record is missing", fix: "The archive is damaged; save it again")
            }
            count = try checkedInt(try reader.integer(UInt64.self, at: record + 32), site)
            directorySize = try checkedInt(try reader.integer(UInt64.self, at: record + 40), site)
            directoryOffset = try checkedInt(try reader.integer(UInt64.self, at: record + 48), site)
        }
        let directory = ByteReader(
            bytes: try reader.slice(directoryOffset, count: directorySize), site: site, what: "zip directory")
        var entries: [ZipEntry] = []
        var position = 0
        for _ in 0..<count {
            guard try directory.integer(UInt32.self, at: position) == centralSignature else {
                throw site.error(.malformedHeader, "the zip directory is damaged", fix: "The archive is damaged; save it again")
            }
            let flags = try directory.integer(UInt16.self, at: position + 8)
            let method = try directory.integer(UInt16.self, at: position + 10)
            let crc = try directory.integer(UInt32.self, at: position + 16)
            var compressed = Int(try directory.integer(UInt32.self, at: position + 20))
            var uncompressed = Int(try directory.integer(UInt32.self, at: position + 24))
            let nameLength = Int(try directory.integer(UInt16.self, at: position + 28))
            let extraLength = Int(try directory.integer(UInt16.self, at: position + 30))
            let commentLength = Int(try directory.integer(UInt16.self, at: position + 32))
            var local = Int(try directory.integer(UInt32.self, at: position + 42))
            let name = String(decoding: try directory.slice(position + 46, count: nameLength), as: UTF8.self)
            let extra = ByteReader(
                bytes: try directory.slice(position + 46 + nameLength, count: extraLength), site: site,
                what: "zip directory")
            // Zip64 extended information (id 1): the 64-bit values of the
            // fields saturated above, in this order.
            var field = 0
            while field + 4 <= extraLength {
                let id = try extra.integer(UInt16.self, at: field)
                let size = Int(try extra.integer(UInt16.self, at: field + 2))
                if id == 1 {
                    var next = field + 4
                    for saturated in [uncompressed == 0xFFFF_FFFF, compressed == 0xFFFF_FFFF, local == 0xFFFF_FFFF] {
                        guard saturated else { continue }
                        let value = try checkedInt(try extra.integer(UInt64.self, at: next), site)
                        if uncompressed == 0xFFFF_FFFF { uncompressed = value } else if compressed == 0xFFFF_FFFF {
                            compressed = value
                        } else { local = value }
                        next += 8
                    }
                }
                field += 4 + size
            }
            entries.append(
                ZipEntry(
                    name: name,
                    method: method == 0 ? .stored : method == 8 ? .deflated : .other(method),
                    encrypted: flags & 1 != 0, crc32: crc, compressedSize: compressed, uncompressedSize: uncompressed,
                    localHeaderOffset: local))
            position += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// Where the member's bytes as stored (compressed or not) lie, after its local header.
    static func dataRange(of entry: ZipEntry, in bytes: UnsafeRawBufferPointer, _ site: ErrorSite) throws
        -> Range<Int>
    {
        let reader = ByteReader(bytes: bytes, site: site, what: "zip member header")
        guard try reader.integer(UInt32.self, at: entry.localHeaderOffset) == localSignature else {
            throw site.error(.malformedHeader, "the zip member's local header is damaged", fix: "The archive is damaged; save it again")
        }
        let nameLength = Int(try reader.integer(UInt16.self, at: entry.localHeaderOffset + 26))
        let extraLength = Int(try reader.integer(UInt16.self, at: entry.localHeaderOffset + 28))
        let start = entry.localHeaderOffset + 30 + nameLength + extraLength
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw site.error(
                .truncated, "the archive ends inside this member (\(entry.compressedSize) bytes declared)",
                fix: "The file is cut short; write it again")
        }
        return start..<(start + entry.compressedSize)
    }

    private static func checkedInt(_ value: UInt64, _ site: ErrorSite) throws -> Int {
        guard value <= UInt64(Int.max) else {
            throw site.error(.malformedHeader, "a zip64 size or offset is out of range", fix: "The archive is damaged; save it again")
        }
        return Int(value)
    }
}
