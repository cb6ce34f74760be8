import HDF5IO

/// A `.npz` archive (np.savez / np.savez_compressed): a zip of `.npy`
/// members. Stored members are read in place through the archive's
/// mapping; deflated ones are inflated once to a temporary file (see
/// `Inflate`) and then read the same way.
final class NPZArchive {
    let path: String
    private let file: MappedFile
    private let site: ErrorSite
    /// Members named `name.npy`, by `name`, in archive order.
    let members: [(name: String, entry: ZipEntry)]

    static func open(_ path: String) throws -> NPZArchive {
        let site = ErrorSite(file: path)
        return try NPZArchive(path: path, file: MappedFile.open(path, site), site: site)
    }

    private init(path: String, file: MappedFile, site: ErrorSite) throws {
        self.path = path
        self.file = file
        self.site = site
        members = try ZipDirectory.entries(in: file.bytes, site).filter { $0.name.hasSuffix(".npy") }.map {
            (String($0.name.dropLast(4)), $0)
        }
    }

    /// The member a location names; without a name, the only member.
    func entry(_ name: String?) throws -> (name: String, entry: ZipEntry) {
        let names = members.map(\.name)
        let listing = names.isEmpty ? "it holds no .npy arrays" : "it holds: " + names.joined(separator: ", ")
        guard let name else {
            guard members.count == 1, let only = members.first else {
                throw site.error(
                    .memberNotFound, "no array named; \(listing)",
                    fix: "Name one after a colon, e.g. \(path):\(names.first ?? "arr_0")")
            }
            return only
        }
        let wanted = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
        guard let member = members.first(where: { $0.name == wanted }) else {
            throw ErrorSite(file: path, member: name).error(
                .memberNotFound, "the archive has no array '\(wanted)'; \(listing)", fix: "Use one of the names listed")
        }
        return member
    }

    func array(_ location: FeatureLocation, layout: FeatureLayout) throws -> StoredArray {
        let (name, entry) = try entry(location.member)
        let memberSite = ErrorSite(file: path, member: name)
        let resolved = FeatureLocation(format: .npz, file: location.file, member: location.member ?? name)
        try requireReadable(entry, memberSite)
        let range = try ZipDirectory.dataRange(of: entry, in: file.bytes, memberSite)
        let data = UnsafeRawBufferPointer(rebasing: file.bytes[range])
        switch entry.method {
        case .stored:
            guard entry.uncompressedSize == entry.compressedSize else {
                throw memberSite.error(.malformedHeader, "a stored member's sizes disagree", fix: "Write the archive again")
            }
            let header = try NPYHeader(parsing: data, memberSite)
            return try StoredArray(
                location: resolved, layout: layout, storage: file, offset: range.lowerBound + header.dataOffset,
                limit: range.upperBound, type: header.type, shape: header.shape)
        default:
            // The header first, from a short inflate: bad headers fail before a long inflate.
            _ = try header(of: entry, memberSite)
            let inflated = try Inflate.toTemporaryFile(
                data, expectedBytes: entry.uncompressedSize, crc32: entry.crc32, memberSite)
            let header = try NPYHeader(parsing: inflated.bytes, memberSite)
            return try StoredArray(
                location: resolved, layout: layout, storage: inflated, offset: header.dataOffset, type: header.type,
                shape: header.shape, extraScratchBytes: Inflate.bufferBytes)
        }
    }

    /// The member's .npy header, inflating only its first bytes when deflated.
    func header(of entry: ZipEntry, _ memberSite: ErrorSite) throws -> NPYHeader {
        try requireReadable(entry, memberSite)
        let data = UnsafeRawBufferPointer(rebasing: file.bytes[try ZipDirectory.dataRange(of: entry, in: file.bytes, memberSite)])
        guard entry.method == .deflated else { return try NPYHeader(parsing: data, memberSite) }
        var prefix = try Inflate.prefix(data, count: 64, memberSite)
        if let length = try prefix.withUnsafeBytes({ try NPYHeader.headerLength($0, memberSite) }), length > prefix.count {
            prefix = try Inflate.prefix(data, count: length, memberSite)
        }
        return try prefix.withUnsafeBytes { try NPYHeader(parsing: $0, memberSite) }
    }

    private func requireReadable(_ entry: ZipEntry, _ memberSite: ErrorSite) throws {
        guard !entry.encrypted else {
            throw memberSite.error(.unsupportedType, "the member is encrypted", fix: "Save it again without encryption")
        }
        switch entry.method {
        case .stored, .deflated: return
        case .other(let method):
            throw memberSite.error(
                .unsupportedType, "the member is compressed with zip method \(method); only stored and deflated members are read",
                fix: "Save with np.savez or np.savez_compressed")
        }
    }
}
