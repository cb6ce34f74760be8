import FeatureFiles

/// A feature array named on the command line (`FILE.h5:/path`, `FILE.npy`,
/// `FILE.npz:name`, `FILE.safetensors:tensor`), split by FeatureFiles'
/// `FeatureLocation` so that the command line and the readers agree on the
/// syntax. Parsing is purely syntactic: nothing is opened or even looked up.
struct DatasetArgument: Sendable, Equatable, CustomStringConvertible {
    let location: FeatureLocation

    init(location: FeatureLocation) {
        self.location = location
    }

    /// An HDF5 dataset.
    init(file: String, path: String) {
        location = FeatureLocation(hdf5File: file, dataset: path)
    }

    init(parsing spec: String) throws {
        location = try FeatureLocation(parsing: spec)
    }

    var file: String { location.file }
    /// The dataset path, .npz member or tensor name; empty for a whole .npy file.
    var path: String { location.member ?? "" }
    var description: String { location.description }
}
