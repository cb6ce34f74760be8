import Foundation
import HDF5IO

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON
/// header `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]},
/// "__metadata__": {...}}`, then the tensors' bytes (offsets relative to
/// the end of the header). Memory-mapped; every offset is checked against
/// the declared shape and the file size.
final class SafetensorsFile {
    struct Tensor: Sendable {
        let name: String
        let type: StoredDType?
        /// The header's dtype string, e.g. `F8_E4M3` when `type` is nil.
        let declaredType: String
        let shape: [Int]
        let range: Range<Int>
    }

    /// The reference implementation refuses larger headers.
    static let maximumHeaderBytes = 100_000_000

    let path: String
    private let file: MappedFile
    /// In file order.
    let tensors: [Tensor]
    private let dataStart: Int

    static func open(_ path: String) throws -> SafetensorsFile {
        let site = ErrorSite(file: path)
        return try SafetensorsFile(path: path, file: MappedFile.open(path, site), site: site)
    }

    private init(path: String, file: MappedFile, site: ErrorSite) throws {
        self.path = path
        self.file = file
        let reader = ByteReader(bytes: file.bytes, site: site, what: "safetensors header")
        let malformed = { (detail: String) in
            site.error(.malformedHeader, "not a valid safetensors file: \(detail)",
                       fix: "Save the tensors with safetensors' save_file")
        }
        let declared = try reader.integer(UInt64.self, at: 0)
        guard declared <= UInt64(Self.maximumHeaderBytes) else { throw malformed("the header claims \(declared) bytes") }
        let header = try reader.slice(8, count: Int(declared))
        dataStart = 8 + Int(declared)
        guard header.first == UInt8(ascii: "{"),
            let entries = try? JSONDecoder().decode([String: HeaderEntry].self, from: Data(header))
        else { throw malformed("the header is not a JSON object of tensor entries") }
        var tensors: [Tensor] = []
        for (name, entry) in entries where name != "__metadata__" {
            guard let dtype = entry.dtype, let shape = entry.shape, let offsets = entry.offsets, offsets.count == 2,
                offsets[0] <= offsets[1]
            else { throw malformed("tensor '\(name)' lacks a dtype, a shape or valid data_offsets") }
            let type = Self.types[dtype]
            if let type {
                guard let count = CheckedSize.elementCount(shape),
                    CheckedSize.bytes(count, elementSize: type.size) == offsets[1] - offsets[0]
                else {
                    throw malformed("tensor '\(name)' of shape \(shape) and dtype \(dtype) does not fill its "
                                    + "\(offsets[1] - offsets[0]) bytes")
                }
            }
            guard offsets[1] <= file.bytes.count - dataStart else {
                throw ErrorSite(file: path, member: name).error(
                    .truncated, "the file ends before this tensor's data (bytes \(offsets[0])..<\(offsets[1]) after "
                        + "the header, \(file.bytes.count - dataStart) present)",
                    fix: "The file is cut short; write it again")
            }
            tensors.append(Tensor(name: name, type: type, declaredType: dtype, shape: shape,
                                  range: offsets[0]..<offsets[1]))
        }
        self.tensors = tensors.sorted { ($0.range.lowerBound, $0.name) < ($1.range.lowerBound, $1.name) }
    }

    /// One value of the header object: a tensor's fields (nil when absent
    /// or not of the right JSON type), or anything else (`__metadata__`).
    private struct HeaderEntry: Decodable {
        let dtype: String?
        let shape: [Int]?
        let offsets: [Int]?

        private enum Keys: String, CodingKey {
            case dtype, shape
            case offsets = "data_offsets"
        }

        init(from decoder: Decoder) throws {
            let fields = try? decoder.container(keyedBy: Keys.self)
            dtype = try? fields?.decode(String.self, forKey: .dtype)
            shape = Self.naturals(try? fields?.decode([Int].self, forKey: .shape))
            offsets = Self.naturals(try? fields?.decode([Int].self, forKey: .offsets))
        }

        private static func naturals(_ values: [Int]?) -> [Int]? {
            values.flatMap { $0.allSatisfy { $0 >= 0 } ? $0 : nil }
        }
    }

    static let types: [String: StoredDType] = [
        "F16": StoredDType(kind: .float, size: 2, bigEndian: false),
        "BF16": StoredDType(kind: .bfloat, size: 2, bigEndian: false),
        "F32": StoredDType(kind: .float, size: 4, bigEndian: false),
        "F64": StoredDType(kind: .float, size: 8, bigEndian: false),
        "I8": StoredDType(kind: .signed, size: 1, bigEndian: false),
        "I16": StoredDType(kind: .signed, size: 2, bigEndian: false),
        "I32": StoredDType(kind: .signed, size: 4, bigEndian: false),
        "I64": StoredDType(kind: .signed, size: 8, bigEndian: false),
        "U8": StoredDType(kind: .unsigned, size: 1, bigEndian: false),
        "U16": StoredDType(kind: .unsigned, size: 2, bigEndian: false),
        "U32": StoredDType(kind: .unsigned, size: 4, bigEndian: false),
        "U64": StoredDType(kind: .unsigned, size: 8, bigEndian: false),
        "BOOL": StoredDType(kind: .bool, size: 1, bigEndian: false),
    ]

    func tensor(_ name: String?) throws -> Tensor {
        let names = tensors.map(\.name)
        let listing = names.isEmpty ? "it holds no tensors" : "it holds: " + names.joined(separator: ", ")
        guard let name else {
            guard tensors.count == 1, let only = tensors.first else {
                throw ErrorSite(file: path).error(
                    .memberNotFound, "no tensor named; \(listing)",
                    fix: "Name one after a colon, e.g. \(path):\(names.first ?? "features")")
            }
            return only
        }
        guard let tensor = tensors.first(where: { $0.name == name }) else {
            throw ErrorSite(file: path, member: name).error(
                .memberNotFound, "the file has no tensor '\(name)'; \(listing)", fix: "Use one of the names listed")
        }
        return tensor
    }

    func array(_ location: FeatureLocation, layout: FeatureLayout) throws -> StoredArray {
        let tensor = try tensor(location.member)
        guard let type = tensor.type else {
            throw ErrorSite(file: path, member: tensor.name).error(
                .unsupportedType, "dtype \(tensor.declaredType) is not supported; features must be BOOL, I8–I64, "
                    + "U8–U64, F16, BF16, F32 or F64",
                fix: "Convert before saving, e.g. tensor.to(torch.float32)")
        }
        return try StoredArray(
            location: FeatureLocation(format: .safetensors, file: location.file, member: tensor.name),
            layout: layout, storage: file, offset: dataStart + tensor.range.lowerBound,
            limit: dataStart + tensor.range.upperBound, type: type, shape: tensor.shape)
    }
}
