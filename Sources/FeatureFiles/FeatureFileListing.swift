import HDF5IO

/// One array in a NumPy or safetensors file, as `inspect` lists it.
public struct ArrayListing: Sendable {
    /// The .npz member or tensor name; nil for a .npy file's single array.
    public let name: String?
    /// nil when the header cannot be read.
    public let shape: [Int]?
    /// NumPy-like dtype (`float32`, `bfloat16`, ...) or the header's own name
    /// when unsupported.
    public let dtype: String
    /// `contiguous`, `stored`, `deflated`, ...
    public let storage: String
    /// Bytes as stored (compressed size for deflated members).
    public let storedBytes: Int
    /// Why the array cannot be read as features, or nil.
    public let problem: String?
}

/// The contents of a .npy, .npz or .safetensors file, read from headers
/// only (deflated members inflate just their first bytes).
public enum FeatureFileListing {
    public static func list(_ path: String, format: FeatureFormat) throws -> [ArrayListing] {
        switch format {
        case .npy:
            let site = ErrorSite(file: path)
            let file = try MappedFile.open(path, site)
            let header = try NPYHeader(parsing: file.bytes, site)
            let stored = file.bytes.count - header.dataOffset
            let entry = listing(nil, header: header, storage: "contiguous", storedBytes: stored)
            let needed = CheckedSize.elementCount(header.shape).flatMap { CheckedSize.bytes($0, elementSize: header.type.size) }
            guard entry.problem == nil, needed.map({ $0 > stored }) ?? true else { return [entry] }
            let problem = needed.map { "the data is cut short: \(stored) of \($0) bytes are present" }
                ?? "the declared shape overflows 64-bit sizes"
            return [ArrayListing(name: nil, shape: header.shape, dtype: header.type.name, storage: "contiguous",
                                 storedBytes: stored, problem: problem)]
        case .npz:
            let archive = try NPZArchive.open(path)
            return archive.members.map { name, entry in
                let storage = entry.method == .deflated ? "deflated" : entry.method == .stored ? "stored" : "compressed"
                do {
                    let header = try archive.header(of: entry, ErrorSite(file: path, member: name))
                    return listing(name, header: header, storage: storage, storedBytes: entry.compressedSize)
                } catch let error as FeatureFileError {
                    return ArrayListing(name: name, shape: nil, dtype: "?", storage: storage,
                                        storedBytes: entry.compressedSize, problem: error.message)
                } catch {
                    return ArrayListing(name: name, shape: nil, dtype: "?", storage: storage,
                                        storedBytes: entry.compressedSize, problem: "\(error)")
                }
            }
        case .safetensors:
            return try SafetensorsFile.open(path).tensors.map { tensor in
                ArrayListing(
                    name: tensor.name, shape: tensor.shape, dtype: tensor.type?.name ?? tensor.declaredType,
                    storage: "offsets \(tensor.range.lowerBound)..<\(tensor.range.upperBound)",
                    storedBytes: tensor.range.count,
                    problem: tensor.type == nil ? "unsupported dtype \(tensor.declaredType)" : FeatureShape.problem(tensor.shape)?.message)
            }
        case .hdf5:
            throw FeatureFileError(
                .invalidArgument, file: path, message: "an HDF5 file is listed by HDF5IO's tree, not here")
        }
    }

    private static func listing(_ name: String?, header: NPYHeader, storage: String, storedBytes: Int) -> ArrayListing {
        ArrayListing(
            name: name, shape: header.shape, dtype: header.type.name, storage: storage, storedBytes: storedBytes,
            problem: FeatureShape.problem(header.shape)?.message)
    }
}
