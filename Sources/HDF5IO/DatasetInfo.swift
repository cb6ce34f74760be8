/// What kind of values an HDF5 datatype holds (H5T_class_t).
public enum ElementClass: String, Sendable {
    case integer, float, string, compound
    case enumeration = "enum"
    case reference, opaque, bitfield
    case array
    case variableLength = "vlen"
    case time, unknown
}

public enum ByteOrder: String, Sendable {
    case littleEndian = "little-endian"
    case bigEndian = "big-endian"
    case mixed, none
}

/// The element type stored in the file.
public struct ElementType: Sendable, Equatable, CustomStringConvertible {
    public let elementClass: ElementClass
    /// Bytes per element.
    public let size: Int
    public let byteOrder: ByteOrder
    /// For integers: whether they are two's-complement signed; nil otherwise.
    public let isSigned: Bool?

    public init(elementClass: ElementClass, size: Int, byteOrder: ByteOrder, isSigned: Bool?) {
        self.elementClass = elementClass
        self.size = size
        self.byteOrder = byteOrder
        self.isSigned = isSigned
    }

    /// Whether HDF5IO can convert it to Float/Double.
    public var isNumeric: Bool { elementClass == .integer || elementClass == .float }

    /// NumPy-like names: `float32`, `int16 (big-endian)`, `uint8`, `string`.
    public var description: String {
        let bits = size * 8
        let name: String
        switch elementClass {
        case .integer: name = (isSigned == false ? "uint" : "int") + String(bits)
        case .float: name = "float" + String(bits)
        default: name = "\(elementClass.rawValue) (\(size) bytes)"
        }
        return byteOrder == .bigEndian ? "\(name) (big-endian)" : name
    }
}

public enum StorageLayout: String, Sendable {
    case compact, contiguous, chunked, virtual
}

/// One filter in a chunked dataset's pipeline.
public struct FilterInfo: Sendable, Equatable, CustomStringConvertible {
    public let id: Int
    public let name: String
    /// Whether this HDF5 build can decode it.
    public let isAvailable: Bool
    /// The filter's client values (e.g. the gzip level for deflate).
    public let parameters: [UInt32]

    public init(id: Int, name: String, isAvailable: Bool, parameters: [UInt32]) {
        self.id = id
        self.name = name
        self.isAvailable = isAvailable
        self.parameters = parameters
    }

    public var description: String {
        var text = name
        if id == FilterInfo.deflate, let level = parameters.first { text += "(\(level))" }
        if !isAvailable { text += " [unavailable]" }
        return text
    }

    static let deflate = 1

    /// Names of filters by registered id (HDF5's registry of filter plugins);
    /// the name stored in the file wins when there is one.
    static func knownName(_ id: Int) -> String? {
        switch id {
        case 1: "gzip"
        case 2: "shuffle"
        case 3: "fletcher32"
        case 4: "szip"
        case 5: "nbit"
        case 6: "scaleoffset"
        case 305: "lzo"
        case 307: "bzip2"
        case 32000: "lzf"
        case 32001: "blosc"
        case 32004: "lz4"
        case 32008: "bitshuffle"
        case 32013: "zfp"
        case 32015: "zstd"
        case 32017: "sz"
        case 32026: "blosc2"
        default: nil
        }
    }
}

/// An attribute as listed by `info`/`tree`: its value, or why it cannot be read.
public struct AttributeEntry: Sendable {
    public let name: String
    public let value: AttributeValue?
    /// Set when `value` is nil: e.g. "unsupported type compound (16 bytes)".
    public let problem: String?

    public init(name: String, value: AttributeValue?, problem: String?) {
        self.name = name
        self.value = value
        self.problem = problem
    }
}

/// Metadata of one dataset: everything `inspect` shows.
public struct DatasetInfo: Sendable {
    public let path: String
    /// `[]` for a scalar dataset.
    public let shape: [Int]
    public let elementType: ElementType
    public let layout: StorageLayout
    public let chunks: [Int]?
    public let filters: [FilterInfo]
    public let attributes: [AttributeEntry]

    public init(
        path: String, shape: [Int], elementType: ElementType, layout: StorageLayout,
        chunks: [Int]?, filters: [FilterInfo], attributes: [AttributeEntry]
    ) {
        self.path = path
        self.shape = shape
        self.elementType = elementType
        self.layout = layout
        self.chunks = chunks
        self.filters = filters
        self.attributes = attributes
    }

    /// NumPy-like dtype string, e.g. `float32`.
    public var dtype: String { elementType.description }
    /// nil when the declared shape overflows (a damaged header).
    public var elementCount: Int? { CheckedSize.elementCount(shape) }
}
