import CHDF5

extension HDF5File {
    struct WalkEntry {
        let path: String
        let kind: ObjectKind
    }

    /// Every group and dataset below `root` (excluded), depth first with names
    /// in ascending order. Only hard links are followed and each object is
    /// visited once, so cycles and soft/external links cannot loop or leave
    /// the file. Callers hold the lock.
    func walk(from root: String) throws -> [WalkEntry] {
        var entries: [WalkEntry] = []
        var visited = Set<haddr_t>()
        try walkGroup(root, into: &entries, visited: &visited)
        return entries
    }

    /// Datasets below `root` with their shapes (nil for a null dataspace).
    func datasetPaths(under root: String) throws -> [(path: String, shape: [Int])] {
        try walk(from: root).filter { $0.kind == .dataset }.map { entry in
            let site = Site(file: path, dataset: entry.path)
            let dataset = DatasetHandle(
                try site.check(
                    H5Dopen2(handle.id, entry.path, chdf5_p_default()), "H5Dopen2", .corruptFile,
                    "the dataset cannot be opened"))
            return (entry.path, try dataset.shape(site) ?? [])
        }
    }

    private func walkGroup(
        _ groupPath: String, into entries: inout [WalkEntry], visited: inout Set<haddr_t>
    ) throws {
        let site = Site(file: path, dataset: groupPath)
        let group = GroupHandle(
            try site.check(
                H5Gopen2(handle.id, groupPath, chdf5_p_default()), "H5Gopen2", .corruptFile,
                "the group cannot be opened", fix: "The file may be corrupted; write it again"))
        var info = H5G_info_t()
        try site.check(H5Gget_info(group.id, &info), "H5Gget_info", .corruptFile, "the group cannot be listed")
        for index in 0..<info.nlinks {
            let name = try linkName(in: group, at: index, site)
            var link = H5L_info_t()
            try site.check(
                H5Lget_info(group.id, name, &link, chdf5_p_default()), "H5Lget_info", .corruptFile,
                "the link \(name) cannot be read")
            guard link.type == H5L_TYPE_HARD, visited.insert(link.u.address).inserted else { continue }
            let childPath = HDF5Path.join(groupPath, name)
            let object = ObjectHandle(
                try site.check(
                    H5Oopen(group.id, name, chdf5_p_default()), "H5Oopen", .corruptFile,
                    "the object \(childPath) cannot be opened"))
            switch H5Iget_type(object.id) {
            case H5I_GROUP:
                entries.append(WalkEntry(path: childPath, kind: .group))
                try walkGroup(childPath, into: &entries, visited: &visited)
            case H5I_DATASET:
                entries.append(WalkEntry(path: childPath, kind: .dataset))
            default:
                continue
            }
        }
    }

    private func linkName(in group: GroupHandle, at index: hsize_t, _ site: Site) throws -> String {
        let length = try site.check(
            H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, chdf5_p_default()),
            "H5Lget_name_by_idx", .corruptFile, "a link name cannot be read")
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        try site.check(
            H5Lget_name_by_idx(
                group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, chdf5_p_default()),
            "H5Lget_name_by_idx", .corruptFile, "a link name cannot be read")
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
