import CHDF5

/// Files a dataset's values come from besides its own file: the source
/// files of a virtual dataset and external raw-data files. HDF5 reads a
/// virtual dataset whose sources are missing as its fill value, without an
/// error, so every source is checked before the first read.
enum StorageSources {
    /// Callers hold the lock.
    static func requireReachable(
        _ dataset: DatasetHandle, layout: StorageLayout, file: HDF5File, _ site: Site
    ) throws {
        let plist = try dataset.creationProperties(site)
        if layout == .virtual { try requireVirtualSources(plist, file: file, site) }
        try requireExternalFiles(plist, file: file, site)
    }

    private static func requireVirtualSources(_ plist: PropertyListHandle, file: HDF5File, _ site: Site) throws {
        var count = 0
        try site.check(
            H5Pget_virtual_count(plist.id, &count), "H5Pget_virtual_count", .corruptFile,
            "the virtual dataset's mappings cannot be read")
        for index in 0..<count {
            let sourceFile = try string(site, "H5Pget_virtual_filename") {
                H5Pget_virtual_filename(plist.id, index, $0, $1)
            }
            let sourceDataset = try string(site, "H5Pget_virtual_dsetname") {
                H5Pget_virtual_dsetname(plist.id, index, $0, $1)
            }
            // printf-style names (%b) map a pattern of files, resolved per block by HDF5.
            guard !sourceFile.contains("%"), !sourceDataset.contains("%") else { continue }
            let resave = "Put the source files back, or save the data as a regular dataset "
                + "(in h5py: f2.create_dataset(name, data=f[name][...]) where the sources are present)"
            if sourceFile == "." {
                guard file.exists(sourceDataset) else {
                    throw site.error(
                        .missingLinkedFile,
                        "the virtual dataset maps data from \(sourceDataset) in this file, which does not exist; "
                            + "reading it would silently give the fill value", fix: resave)
                }
                continue
            }
            let candidates = HDF5File.linkedFileCandidates(sourceFile, besides: file.path)
            guard let present = candidates.first(where: { if case .regular = PathKind.of($0) { true } else { false } })
            else {
                throw site.error(
                    .missingLinkedFile,
                    "the virtual dataset maps data from \(sourceFile):\(sourceDataset), and \(sourceFile) does not "
                        + "exist (looked for \(candidates.joined(separator: " and "))); reading it would silently "
                        + "give the fill value", fix: resave)
            }
            let source = try HDF5File.open(present)
            guard source.exists(sourceDataset) else {
                throw site.error(
                    .missingLinkedFile,
                    "the virtual dataset maps data from \(sourceFile):\(sourceDataset), and \(present) has no "
                        + "dataset \(sourceDataset); reading it would silently give the fill value", fix: resave)
            }
        }
    }

    private static func requireExternalFiles(_ plist: PropertyListHandle, file: HDF5File, _ site: Site) throws {
        let count = try site.check(
            H5Pget_external_count(plist.id), "H5Pget_external_count", .corruptFile,
            "the external storage list cannot be read")
        for index in 0..<UInt32(count) {
            var name = [CChar](repeating: 0, count: 4096)
            var offset = 0
            var size: hsize_t = 0
            try site.check(
                H5Pget_external(plist.id, index, name.count, &name, &offset, &size), "H5Pget_external", .corruptFile,
                "the external storage list cannot be read")
            let external = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let candidates = HDF5File.linkedFileCandidates(external, besides: file.path)
            let found = candidates.lazy.compactMap { path -> Int? in
                if case .regular(let bytes) = PathKind.of(path) { bytes } else { nil }
            }.first
            guard let bytes = found else {
                throw site.error(
                    .missingLinkedFile,
                    "the dataset's values are stored in the external file \(external), which does not exist "
                        + "(looked for \(candidates.joined(separator: " and ")))",
                    fix: "Put \(external) back beside \(file.path), or save the data as a regular dataset")
            }
            let declared = size == chdf5_f_unlimited() ? 0 : Int(clamping: size)
            guard bytes >= offset + declared else {
                throw site.error(
                    .corruptFile,
                    "the external file \(external) holds \(bytes) bytes, but the dataset declares "
                        + "\(declared) bytes from offset \(offset)",
                    fix: "The external file is truncated; write it again")
            }
        }
    }

    /// A name returned by an HDF5 getter that reports its length first.
    private static func string(
        _ site: Site, _ call: String, _ get: (UnsafeMutablePointer<CChar>?, Int) -> Int
    ) throws -> String {
        let length = try site.check(get(nil, 0), call, .corruptFile, "the virtual dataset's mappings cannot be read")
        var buffer = [CChar](repeating: 0, count: length + 1)
        try site.check(get(&buffer, buffer.count), call, .corruptFile, "the virtual dataset's mappings cannot be read")
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
