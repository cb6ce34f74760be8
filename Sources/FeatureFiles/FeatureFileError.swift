/// Every failure of reading a NumPy or safetensors file: what is wrong, in
/// which file (and member), and what the user can do. HDF5 inputs fail with
/// `HDF5Error`, whose wording this follows.
public struct FeatureFileError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The argument names no file format this package reads.
        case invalidLocation
        case fileNotFound
        /// A FIFO, device, socket or directory, refused before any open.
        case notRegularFile
        /// The header is not one of the format's (bad magic, bad JSON, bad dict).
        case malformedHeader
        /// The file ends before the data its header declares.
        case truncated
        case unsupportedType
        /// A Fortran-order (column-major) .npy array.
        case fortranOrder
        case notFeatures
        case memberNotFound
        case nonFinite
        /// A declared size overflows or cannot fit in memory (or on disk).
        case tooLarge
        case outOfRange
        case invalidArgument
        /// Reading or inflating failed (I/O error, damaged compressed data).
        case readFailed
    }

    public let kind: Kind
    public let file: String
    /// The .npz member or safetensors tensor, when there is one.
    public let member: String?
    /// What went wrong, one sentence without a trailing period.
    public let message: String
    /// What the user can do about it.
    public let fix: String?

    public init(_ kind: Kind, file: String, member: String? = nil, message: String, fix: String? = nil) {
        self.kind = kind
        self.file = file
        self.member = member
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var text = file
        if let member { text += ":\(member)" }
        text += ": \(message)"
        if let fix { text += ". \(fix)" }
        return text
    }
}

/// The file (and member) an error is about: builds errors that name it.
struct ErrorSite: Sendable {
    let file: String
    var member: String?

    func error(_ kind: FeatureFileError.Kind, _ message: String, fix: String? = nil) -> FeatureFileError {
        FeatureFileError(kind, file: file, member: member, message: message, fix: fix)
    }
}
