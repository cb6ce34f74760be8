import Foundation

/// A dataset named on the command line as `FILE.h5:/path/to/dataset`.
public struct DatasetLocation: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let path: String

    public init(file: String, path: String) {
        self.file = file
        self.path = path.hasPrefix("/") ? path : "/" + path
    }

    /// Splits `FILE.h5:/path`. File names may themselves contain `:`, so the
    /// split prefers a `:` whose left side names an existing file, then the
    /// last `:` followed by `/`, then the last `:`.
    public init(parsing spec: String) throws {
        let colons = spec.indices.filter { spec[$0] == ":" }
        let candidates =
            colons.filter { spec[spec.index(after: $0)...].hasPrefix("/") }
        let existing = candidates.first { index in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: String(spec[..<index]), isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
        guard let split = existing ?? candidates.last ?? colons.last,
            split != spec.startIndex,
            spec.index(after: split) != spec.endIndex
        else {
            throw HDF5Error(
                .invalidLocation, file: spec,
                message: "expected a dataset as FILE.h5:/path/to/dataset",
                fix: "Write the file and the dataset path separated by a colon, e.g. features.h5:/layer3")
        }
        self.init(file: String(spec[..<split]), path: String(spec[spec.index(after: split)...]))
    }

    public var description: String { "\(file):\(path)" }
}
