/// Every failure of `HDF5IO`: what went wrong, in which file and dataset, and
/// what the user can do about it, plus HDF5's own error stack when HDF5 failed.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case fileNotFound
        /// A FIFO, device, socket or directory, refused before any open.
        case notRegularFile
        case notHDF5
        /// Written by a newer HDF5 (e.g. h5py's `libver='latest'`) than the one linked.
        case formatTooNew
        case corruptFile
        /// A virtual dataset's source, an external link's target or external
        /// raw-data storage names a file (or dataset) that is not there.
        case missingLinkedFile
        case fileExists
        case datasetNotFound
        case notADataset
        case attributeNotFound
        case unsupportedType
        case filterUnavailable
        case notFeatures
        /// Nothing was ever written: every value would be the fill value.
        case noData
        /// A declared size overflows or cannot fit in this machine's memory.
        case tooLarge
        /// A NaN or infinity in the features.
        case nonFinite
        case outOfRange
        case invalidArgument
        case readFailed
        case writeFailed
        case library
    }

    public let kind: Kind
    public let file: String
    /// The dataset, group or attribute path inside the file, when there is one.
    public let dataset: String?
    /// What went wrong, one sentence without a trailing period.
    public let message: String
    /// What the user can do about it.
    public let fix: String?
    /// The HDF5 function that failed, when HDF5 reported the failure.
    public let call: String?
    /// HDF5's error stack, outermost call first (empty when HDF5 was not involved).
    public let stack: [String]

    public init(
        _ kind: Kind, file: String, dataset: String? = nil, message: String,
        fix: String? = nil, call: String? = nil, stack: [String] = []
    ) {
        self.kind = kind
        self.file = file
        self.dataset = dataset
        self.message = message
        self.fix = fix
        self.call = call
        self.stack = stack
    }

    public var description: String {
        var text = file
        if let dataset { text += ":\(dataset)" }
        text += ": \(message)"
        if let fix { text += ". \(fix)" }
        if let call, !stack.isEmpty {
            text += "\n  HDF5 (\(call)): " + stack.joined(separator: "\n    ")
        }
        return text
    }
}
