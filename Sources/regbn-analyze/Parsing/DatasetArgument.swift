import HDF5IO

/// A `FILE.h5:/path` argument, split by HDF5IO's `DatasetLocation` so that
/// the command line and the library agree on the syntax.
struct DatasetArgument: Sendable, Equatable, CustomStringConvertible {
    let file: String
    let path: String

    init(file: String, path: String) {
        self.file = file
        self.path = path
    }

    init(parsing spec: String) throws {
        let location = try DatasetLocation(parsing: spec)
        self.init(file: location.file, path: location.path)
    }

    var location: DatasetLocation { DatasetLocation(file: file, path: path) }
    var description: String { "\(file):\(path)" }
}
