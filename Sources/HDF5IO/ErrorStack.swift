import CHDF5

/// The file/dataset pair an HDF5 call works on, and the single choke point
/// that turns a negative HDF5 status into an `HDF5Error` carrying HDF5's
/// error stack.
struct Site {
    let file: String
    let dataset: String?

    /// Returns `status` when it is a success (≥ 0); otherwise throws, with the
    /// error stack collected before any other HDF5 call can clear it.
    @discardableResult
    func check<Status: BinaryInteger>(
        _ status: Status, _ call: String, _ kind: HDF5Error.Kind = .library,
        _ message: @autoclosure () -> String, fix: @autoclosure () -> String? = nil
    ) throws -> Status {
        if status >= 0 { return status }
        let stack = ErrorStack.collect()
        if ErrorStack.saysFormatTooNew(stack) { throw formatTooNew(call: call, stack: stack) }
        throw HDF5Error(
            kind, file: file, dataset: dataset, message: message(), fix: fix(),
            call: call, stack: stack)
    }

    /// Files written with h5py's `libver='latest'` by a newer HDF5 carry
    /// object-header messages (layout, datatype, ...) or a superblock in
    /// versions this library cannot decode; HDF5 then reports a bad version.
    func formatTooNew(call: String, stack: [String]) -> HDF5Error {
        HDF5Error(
            .formatTooNew, file: file, dataset: dataset,
            message: "\(dataset == nil ? "the file" : "the dataset") uses an HDF5 file format newer than this "
                + "HDF5 library (\(HDF5Build.version)) can read (saved with libver='latest' by a newer HDF5)",
            fix: "Re-save it in the HDF5 1.10 format with h5py (which reads both): src = h5py.File('\(file)', 'r'); "
                + "dst = h5py.File('resaved.h5', 'w', libver='v110'); src.visititems(lambda n, o: "
                + "dst.create_dataset(n, data=o[...], chunks=o.chunks, compression=o.compression) "
                + "if isinstance(o, h5py.Dataset) else None); dst.close() — or write files with "
                + "h5py.File(path, 'w', libver='v110') in the first place (copying with src.copy keeps the new format)",
            call: call, stack: stack)
    }

    func error(_ kind: HDF5Error.Kind, _ message: String, fix: String? = nil) -> HDF5Error {
        HDF5Error(kind, file: file, dataset: dataset, message: message, fix: fix)
    }
}

/// Reads the calling thread's HDF5 error stack (H5Ewalk2), as h5py does.
enum ErrorStack {
    private struct Entry {
        var function: String
        var description: String
        var minor: hid_t
    }

    private final class Collector {
        var entries: [Entry] = []
    }

    /// Whether HDF5's messages say that something in the file has a version
    /// this library does not know ("bad version number for layout message",
    /// "bad superblock version number", "wrong version number for ...").
    static func saysFormatTooNew(_ stack: [String]) -> Bool {
        stack.contains { line in
            let text = line.lowercased()
            return text.contains("version number") && (text.contains("bad") || text.contains("wrong"))
                || text.contains("unsupported superblock version")
        }
    }

    static func collect() -> [String] {
        let collector = Collector()
        let walker: H5E_walk2_t = { _, descriptor, clientData in
            guard let descriptor, let clientData else { return 0 }
            let collector = Unmanaged<Collector>.fromOpaque(clientData).takeUnretainedValue()
            let error = descriptor.pointee
            collector.entries.append(
                Entry(
                    function: error.func_name.map { String(cString: $0) } ?? "?",
                    description: error.desc.map { String(cString: $0) } ?? "",
                    minor: error.min_num))
            return 0
        }
        withExtendedLifetime(collector) {
            _ = H5Ewalk2(
                chdf5_e_default(), H5E_WALK_DOWNWARD, walker,
                Unmanaged.passUnretained(collector).toOpaque())
        }
        // Message lookups are API calls that reset the stack, so they run
        // only after the walk has copied everything out.
        return collector.entries.map { entry in
            let minor = message(entry.minor)
            let detail = minor.isEmpty ? "" : " [\(minor)]"
            return "\(entry.function)(): \(entry.description)\(detail)"
        }
    }

    private static func message(_ id: hid_t) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let length = H5Eget_msg(id, nil, &buffer, buffer.count)
        guard length > 0 else { return "" }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
