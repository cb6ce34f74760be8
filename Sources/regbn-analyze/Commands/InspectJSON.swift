import Foundation
import FeatureFiles
import HDF5IO

/// The `--json` form of `inspect`: complete values, stable key order.
enum InspectJSON {
    static func render(file: String, nodes: [NodeInfo]) throws -> String {
        let objects: [JSONValue] = nodes.map { node in
            var object: [String: JSONValue] = [
                "path": .string(node.path),
                "attributes": .object(Dictionary(uniqueKeysWithValues: node.attributes.map { ($0.name, value($0)) })),
            ]
            if let info = node.dataset {
                object["type"] = .string("dataset")
                object["shape"] = .array(info.shape.map(JSONValue.integer))
                object["dtype"] = .string(info.dtype)
                object["byte_order"] = .string(info.elementType.byteOrder.rawValue)
                object["layout"] = .string(info.layout.rawValue)
                object["chunks"] = info.chunks.map { .array($0.map(JSONValue.integer)) } ?? .null
                object["filters"] = .array(info.filters.map { filter in
                    .object(["id": .integer(filter.id), "name": .string(filter.name),
                             "available": .bool(filter.isAvailable),
                             "parameters": .array(filter.parameters.map { .integer(Int($0)) })])
                })
            } else {
                object["type"] = .string("group")
            }
            return .object(object)
        }
        return try encode(.object(["file": .string(file), "objects": .array(objects)]))
    }

    /// The arrays of a .npy/.npz/.safetensors file, in the same document shape.
    static func render(file: String, format: FeatureFormat, arrays: [ArrayListing]) throws -> String {
        let objects: [JSONValue] = arrays.map { array in
            var object: [String: JSONValue] = [
                "path": array.name.map(JSONValue.string) ?? .null, "type": .string("array"),
                "shape": array.shape.map { .array($0.map(JSONValue.integer)) } ?? .null, "dtype": .string(array.dtype),
                "storage": .string(array.storage), "stored_bytes": .integer(array.storedBytes),
            ]
            object["problem"] = array.problem.map(JSONValue.string) ?? .null
            return .object(object)
        }
        return try encode(.object(["file": .string(file), "format": .string(format.rawValue), "objects": .array(objects)]))
    }

    private static func encode(_ document: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    private static func value(_ entry: AttributeEntry) -> JSONValue {
        guard let attribute = entry.value else { return .object(["unreadable": .string(entry.problem ?? "unknown")]) }
        switch attribute {
        case .string(let s): return .string(s)
        case .int(let n): return .integer(Int(n))
        case .double(let x): return .number(x)
        case .ints(let ns): return .array(ns.map { .integer(Int($0)) })
        case .doubles(let xs): return .array(xs.map(JSONValue.number))
        }
    }
}
