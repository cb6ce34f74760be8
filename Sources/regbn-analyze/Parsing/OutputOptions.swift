import Diagnostics
import Suggestions

/// How `normalize` compresses the arrays it writes.
enum OutputCompression: Sendable, Equatable, CustomStringConvertible {
    case none
    /// Deflate at `level` (0–9), which every HDF5 reader (h5py included) has
    /// built in. Without HDF5's byte-shuffle filter: on the bundled sample's
    /// RegBN outputs it made the file larger (37.0 MB against 32.0 MB at level 4).
    case gzip(level: Int)

    static let defaultLevel = 4
    static let levels = 0...9

    var description: String {
        switch self {
        case .none: return "none"
        case .gzip(let level): return "gzip:\(level)"
        }
    }
}

extension ValueType where T == OutputCompression {
    /// `gzip` (level 4), `gzip:LEVEL` or `none`.
    static let compression = ValueType(
        placeholder: "compression", accepted: "gzip, gzip:0 to gzip:9, none",
        parse: { text throws(ValueRejection) in
            if text == "none" { return .none }
            if text == "gzip" { return .gzip(level: OutputCompression.defaultLevel) }
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "gzip" else {
                throw ValueRejection(expected: "gzip, gzip:LEVEL or none",
                                     suggestion: closestMatch(to: text, in: ["gzip", "none"]))
            }
            guard let level = Int(parts[1]), OutputCompression.levels.contains(level) else {
                throw ValueRejection(expected: "a gzip level from 0 to 9 after 'gzip:'")
            }
            return .gzip(level: level)
        },
        format: \.description)
}

extension NormalizeOptions {
    static let outDType: Option<WorkingPrecision?> = .optional(
        "out-dtype", .oneOf([WorkingPrecision.float32, .float64], placeholder: "dtype"),
        help: "Element type of /f, /g, /train/f, /train/g and /W in the output (default: the --precision the run "
            + "computes in, so no computed digit is lost). float32 halves the file; a value beyond float32's range "
            + "stops the run.")
    static let compression: Option<OutputCompression> = .defaulted(
        "compression", .compression, default: .gzip(level: OutputCompression.defaultLevel),
        help: "Compression of those arrays: gzip (deflate at level 4), gzip:LEVEL (0-9) or none "
            + "(contiguous). Compressed arrays are stored in chunks of one batch (b samples), so a batch is "
            + "written and read in one piece.")
}
