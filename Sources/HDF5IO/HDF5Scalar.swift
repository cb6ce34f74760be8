import CHDF5

/// The in-memory element types HDF5IO reads into and writes from.
public enum HDF5ElementKind: String, Sendable {
    case float32, float64, int64

    /// The native memory type HDF5 converts to; it handles every integer and
    /// float file type (8–64 bit, either byte order, float16) by itself.
    var nativeType: hid_t {
        switch self {
        case .float32: chdf5_native_float()
        case .float64: chdf5_native_double()
        case .int64: chdf5_native_int64()
        }
    }

    var isFloatingPoint: Bool { self != .int64 }
}

/// Element types that datasets can be read into: `Float`, `Double`, `Int64`.
public protocol HDF5Scalar: Sendable, Numeric {
    static var elementKind: HDF5ElementKind { get }
}

extension Float: HDF5Scalar {
    public static var elementKind: HDF5ElementKind { .float32 }
}

extension Double: HDF5Scalar {
    public static var elementKind: HDF5ElementKind { .float64 }
}

extension Int64: HDF5Scalar {
    public static var elementKind: HDF5ElementKind { .int64 }
}

/// The element types features are read into for analysis: `Float`, `Double`.
public protocol FeatureScalar: HDF5Scalar, BinaryFloatingPoint {}

extension Float: FeatureScalar {}
extension Double: FeatureScalar {}
