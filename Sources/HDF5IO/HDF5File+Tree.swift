/// One group or dataset in the file, as `inspect` lists it.
public struct NodeInfo: Sendable {
    public enum Kind: Sendable {
        case group
        case dataset(DatasetInfo)
    }

    public let path: String
    public let kind: Kind
    public let attributes: [AttributeEntry]

    public init(path: String, kind: Kind, attributes: [AttributeEntry]) {
        self.path = path
        self.kind = kind
        self.attributes = attributes
    }

    public var dataset: DatasetInfo? {
        if case .dataset(let info) = kind { return info }
        return nil
    }

    /// Nesting level: 0 for the root group.
    public var depth: Int { HDF5Path.components(path).count }

    public var name: String { HDF5Path.components(path).last ?? "/" }
}

extension HDF5File {
    /// Every group and dataset, root first, then depth first in name order.
    /// Only hard links are followed, each object once.
    public func tree() throws -> [NodeInfo] {
        try HDF5Library.locked {
            let rootSite = Site(file: path, dataset: "/")
            guard let (root, _) = lookup("/") else {
                throw rootSite.error(.corruptFile, "the root group cannot be opened")
            }
            var nodes = [NodeInfo(path: "/", kind: .group, attributes: try AttributeReader.entries(of: root, rootSite))]
            for entry in try walk(from: "/") {
                let site = Site(file: path, dataset: entry.path)
                switch entry.kind {
                case .group:
                    guard let (group, _) = lookup(entry.path) else { continue }
                    nodes.append(
                        NodeInfo(
                            path: entry.path, kind: .group, attributes: try AttributeReader.entries(of: group, site)))
                case .dataset:
                    let info = try datasetInfo(try openDataset(entry.path), path: entry.path)
                    nodes.append(NodeInfo(path: entry.path, kind: .dataset(info), attributes: info.attributes))
                case .other:
                    continue
                }
            }
            return nodes
        }
    }
}
