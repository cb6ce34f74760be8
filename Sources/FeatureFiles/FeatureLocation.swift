/// The file formats features can be read from.
public enum FeatureFormat: String, Sendable, CaseIterable {
    case hdf5, npy, npz, safetensors

    /// The format a file name's extension announces (case-insensitive), or nil.
    public static func of(fileName: some StringProtocol) -> FeatureFormat? {
        guard let dot = fileName.lastIndex(of: "."), !fileName[dot...].contains("/") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "h5", "hdf5", "he5", "hdf", "nc", "nc4": return .hdf5
        case "npy": return .npy
        case "npz": return .npz
        case "safetensors": return .safetensors
        default: return nil
        }
    }
}

/// One feature array named on the command line: `FILE.h5:/path/to/dataset`,
/// `FILE.npy`, `FILE.npz:name` or `FILE.safetensors:tensor`.
///
/// Parsing is purely syntactic (no file-system access), so command lines
/// can be checked before anything is opened. The file's extension decides:
/// the first `:` whose left side ends in a known extension splits file from
/// member (file names may contain `:`); a `.npy` file is a whole array; for
/// other names the last `:/` starts an HDF5 dataset path.
public struct FeatureLocation: Sendable, Hashable, CustomStringConvertible {
    public let format: FeatureFormat
    public let file: String
    /// The HDF5 dataset path (always absolute), the .npz member or the
    /// safetensors tensor; nil for .npy, and for an .npz/.safetensors file
    /// named alone (then it must hold exactly one array).
    public let member: String?

    public init(format: FeatureFormat, file: String, member: String?) {
        self.format = format
        self.file = file
        if format == .hdf5 {
            let path = member ?? "/"
            self.member = path.hasPrefix("/") ? path : "/" + path
        } else {
            self.member = format == .npy ? nil : member
        }
    }

    /// An HDF5 dataset.
    public init(hdf5File file: String, dataset: String) {
        self.init(format: .hdf5, file: file, member: dataset)
    }

    public init(parsing text: String) throws(FeatureFileError) {
        let expected = "expected FILE.h5:/path/to/dataset, FILE.npy, FILE.npz:name or FILE.safetensors:tensor"
        func invalid(_ message: String, fix: String) -> FeatureFileError {
            FeatureFileError(.invalidLocation, file: text, message: message, fix: fix)
        }
        for colon in text.indices where text[colon] == ":" && colon != text.startIndex {
            guard let format = FeatureFormat.of(fileName: text[..<colon]) else { continue }
            let member = String(text[text.index(after: colon)...])
            guard format != .npy else {
                throw invalid("a .npy file holds one array, so nothing may follow its name",
                              fix: "Pass the file alone: \(text[..<colon])")
            }
            guard !member.isEmpty, member != "/" else {
                throw invalid("nothing names the array after ':'", fix: Self.example(format, file: String(text[..<colon])))
            }
            self.init(format: format, file: String(text[..<colon]), member: member)
            return
        }
        switch FeatureFormat.of(fileName: text) {
        case .npy?, .npz?, .safetensors?:
            self.init(format: FeatureFormat.of(fileName: text) ?? .npy, file: text, member: nil)
        case .hdf5?:
            throw invalid("\(expected); an HDF5 file needs the dataset path", fix: Self.example(.hdf5, file: text))
        case nil:
            guard let split = text.ranges(of: ":/").last?.lowerBound, split != text.startIndex else {
                throw invalid(expected, fix: "Name the file by its extension (.h5, .npy, .npz, .safetensors); "
                                  + "for HDF5 add the dataset path, e.g. features.h5:/layer3")
            }
            self.init(format: .hdf5, file: String(text[..<split]), member: String(text[text.index(after: split)...]))
        }
    }

    private static func example(_ format: FeatureFormat, file: String) -> String {
        switch format {
        case .hdf5: "Write the file and the dataset path separated by a colon, e.g. \(file):/layer3"
        case .npz: "Name the array inside, e.g. \(file):arr_0 (np.savez names unnamed arrays arr_0, arr_1, …)"
        case .safetensors: "Name the tensor inside, e.g. \(file):features"
        case .npy: "Pass the file alone"
        }
    }

    /// As written on a command line: `file:member` or `file`.
    public var description: String { member.map { "\(file):\($0)" } ?? file }
}
