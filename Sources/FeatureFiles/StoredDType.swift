import HDF5IO

/// An element type as a NumPy or safetensors header declares it, and its
/// conversion to Float/Double (exact for every type but 64-bit integers,
/// which round to nearest like NumPy's astype).
struct StoredDType: Sendable, Equatable {
    enum Kind: Sendable {
        case float, bfloat, signed, unsigned, bool
    }

    let kind: Kind
    /// Bytes per element.
    let size: Int
    let bigEndian: Bool

    /// NumPy-like name: `float32`, `bfloat16`, `uint8`, `bool`, `int16 (big-endian)`.
    var name: String {
        let base: String
        switch kind {
        case .float: base = "float\(size * 8)"
        case .bfloat: base = "bfloat16"
        case .signed: base = "int\(size * 8)"
        case .unsigned: base = "uint\(size * 8)"
        case .bool: base = "bool"
        }
        return bigEndian && size > 1 ? "\(base) (big-endian)" : base
    }

    var canBeNonFinite: Bool { kind == .float || kind == .bfloat }

    /// Converts `destination.count` elements stored in `source`.
    ///
    /// Readers are called through `any FeatureSource`, where `T` is not
    /// known at compile time; Float and Double are routed to specialised
    /// loops (a generic loop ran at ≈10 ns per value).
    func convert<T: FeatureScalar>(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<T>) {
        if !bigEndian, kind == .float, size == MemoryLayout<T>.size {
            UnsafeMutableRawBufferPointer(destination).copyMemory(from: source)
        } else if T.self == Float.self {
            destination.withMemoryRebound(to: Float.self) { convertElements(source, into: $0) }
        } else if T.self == Double.self {
            destination.withMemoryRebound(to: Double.self) { convertElements(source, into: $0) }
        } else {
            convertElements(source, into: destination)
        }
    }

    @inline(__always)
    private func convertElements<T: FeatureScalar>(
        _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<T>
    ) {
        switch (kind, size) {
        case (.float, 2): fill(destination) { T(Self.halfToFloat(load(source, $0, as: UInt16.self))) }
        case (.bfloat, 2): fill(destination) { T(Float(bitPattern: UInt32(load(source, $0, as: UInt16.self)) << 16)) }
        case (.float, 4): fill(destination) { T(Float(bitPattern: load(source, $0, as: UInt32.self))) }
        case (.float, 8): fill(destination) { T(Double(bitPattern: load(source, $0, as: UInt64.self))) }
        case (.signed, 1): fill(destination) { T(Int8(bitPattern: load(source, $0, as: UInt8.self))) }
        case (.signed, 2): fill(destination) { T(Int16(bitPattern: load(source, $0, as: UInt16.self))) }
        case (.signed, 4): fill(destination) { T(Int32(bitPattern: load(source, $0, as: UInt32.self))) }
        case (.signed, 8): fill(destination) { T(Int64(bitPattern: load(source, $0, as: UInt64.self))) }
        case (.unsigned, 1): fill(destination) { T(load(source, $0, as: UInt8.self)) }
        case (.unsigned, 2): fill(destination) { T(load(source, $0, as: UInt16.self)) }
        case (.unsigned, 4): fill(destination) { T(load(source, $0, as: UInt32.self)) }
        case (.unsigned, 8): fill(destination) { T(load(source, $0, as: UInt64.self)) }
        default: fill(destination) { load(source, $0, as: UInt8.self) == 0 ? 0 : 1 }
        }
    }

    @inline(__always)
    private func fill<T>(_ destination: UnsafeMutableBufferPointer<T>, _ value: (Int) -> T) {
        for index in destination.indices { destination[index] = value(index) }
    }

    @inline(__always)
    private func load<I: FixedWidthInteger>(_ source: UnsafeRawBufferPointer, _ index: Int, as: I.Type) -> I {
        let raw = source.loadUnaligned(fromByteOffset: index * MemoryLayout<I>.size, as: I.self)
        return bigEndian ? I(bigEndian: raw) : I(littleEndian: raw)
    }

    /// IEEE binary16 → binary32, exactly (subnormals, infinities and NaN included).
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 == 0 ? 1 : -1
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0: return sign * Float(mantissa) * 0x1p-24
        case 31:
            return Float(bitPattern: UInt32(bits & 0x8000) << 16 | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: UInt32(bits & 0x8000) << 16 | UInt32(exponent + 112) << 23 | mantissa << 13)
        }
    }
}
