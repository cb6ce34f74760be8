#if canImport(Glibc)
    import Glibc
#endif
import HDF5IO

/// A whole file mapped read-only. Reads touch only the pages of the rows
/// they convert, so memory follows the batch, not the file; `release`
/// hands pages back once a batch has been converted.
///
/// The file is checked with `stat` before it is opened (a FIFO would block
/// `open`). A file truncated by another process while mapped would fault
/// on access; inputs are expected to stay put while the tool reads them.
final class MappedFile: @unchecked Sendable {
    let path: String
    let bytes: UnsafeRawBufferPointer

    static func open(_ path: String, _ site: ErrorSite) throws -> MappedFile {
        let kind = PathKind.of(path)
        if let problem = kind.problem {
            throw site.error(
                kind == .missing || kind == .unreadable ? .fileNotFound : .notRegularFile, problem.message,
                fix: problem.fix)
        }
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw site.error(.readFailed, "cannot open the file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        return try MappedFile(descriptor: descriptor, path: path, site)
    }

    /// Maps the regular file open on `descriptor`; the descriptor may be
    /// closed (or the file unlinked) afterwards.
    init(descriptor: Int32, path: String, _ site: ErrorSite) throws {
        self.path = path
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw site.error(.notRegularFile, "this is not a regular file", fix: "Pass a regular file")
        }
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw site.error(.readFailed, "cannot map the file into memory: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// Drops the mapped pages wholly inside `range` from this process (they
    /// stay in the page cache): a pass over a large file keeps one batch of
    /// it resident, not all of it.
    func release(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, range.count >= 1 << 20 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED)
    }
}

/// Bounds-checked little-endian reads of a header, for the byte parsing of
/// npy, zip and safetensors: a damaged header is an error, never an
/// out-of-bounds read.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let site: ErrorSite
    let what: String

    func integer<I: FixedWidthInteger>(_ type: I.Type, at offset: Int) throws -> I {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<I>.size else {
            throw site.error(.truncated, "the file ends inside its \(what)", fix: "The file is cut short; write it again")
        }
        return I(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: I.self))
    }

    func slice(_ offset: Int, count: Int) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw site.error(.truncated, "the file ends inside its \(what)", fix: "The file is cut short; write it again")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }
}
