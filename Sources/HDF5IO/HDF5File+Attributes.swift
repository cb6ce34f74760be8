import CHDF5

extension HDF5File {
    /// Reads the attribute `name` of the group or dataset at `path`.
    ///
    /// - Throws: `HDF5Error` with kind `datasetNotFound` (no object at `path`),
    ///   `attributeNotFound` (the message lists the attributes that exist) or
    ///   `unsupportedType` (compound, enum of non-integers, string arrays, ...).
    public func attribute(_ name: String, of path: String = "/") throws -> AttributeValue {
        let objectPath = HDF5Path.normalize(path)
        let site = Site(file: self.path, dataset: objectPath)
        return try HDF5Library.locked {
            guard let (object, _) = lookup(objectPath) else {
                throw site.error(
                    .datasetNotFound, "no such group or dataset (looking for its attribute '\(name)')",
                    fix: "Check the path with `regbn-analyze inspect \(self.path)`")
            }
            let exists = try site.check(
                H5Aexists(object.id, name), "H5Aexists", .corruptFile, "the attributes cannot be read")
            guard exists > 0 else {
                let names = try AttributeReader.names(of: object, site)
                let listing = names.isEmpty ? "it has no attributes" : "it has: " + names.joined(separator: ", ")
                throw site.error(
                    .attributeNotFound, "no attribute '\(name)'; \(listing)",
                    fix: "Use one of the attributes listed")
            }
            return try AttributeReader.read(name, of: object, site)
        }
    }

    /// Every attribute of the object at `path`, in name order; attributes that
    /// cannot be represented are listed with the reason instead of a value.
    public func attributes(of path: String = "/") throws -> [AttributeEntry] {
        let objectPath = HDF5Path.normalize(path)
        let site = Site(file: self.path, dataset: objectPath)
        return try HDF5Library.locked {
            guard let (object, _) = lookup(objectPath) else {
                throw site.error(
                    .datasetNotFound, "no such group or dataset",
                    fix: "Check the path with `regbn-analyze inspect \(self.path)`")
            }
            return try AttributeReader.entries(of: object, site)
        }
    }
}
