#if canImport(Glibc)
    import Glibc
#endif
import CZlib
import Foundation
import HDF5IO

/// Streams a raw deflate stream (a deflated zip member) through zlib with
/// fixed-size buffers, so memory does not grow with the member.
///
/// Deflated .npz members are inflated once, at open, into an unlinked
/// temporary file that is then memory-mapped like a .npy file. Deflate has
/// no random access (a position depends on everything before it), so a
/// shuffled training order would otherwise re-inflate from the start for
/// every batch — O(N) per batch, O(N²) per epoch. The one-off cost is a
/// sequential inflate (≈0.3 GB/s per core here) and the member's size in
/// $TMPDIR; the space is returned when the source is closed.
enum Inflate {
    static let bufferBytes = 256 << 10

    /// Inflates all of `source` into an unlinked file in $TMPDIR and maps it.
    static func toTemporaryFile(
        _ source: UnsafeRawBufferPointer, expectedBytes: Int, crc32 expectedCRC: UInt32, _ site: ErrorSite
    ) throws -> MappedFile {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var space = statvfs()
        if statvfs(directory, &space) == 0 {
            let free = Int(clamping: UInt64(space.f_bavail).multipliedReportingOverflow(by: UInt64(space.f_frsize)).partialValue)
            guard free >= expectedBytes else {
                throw site.error(
                    .tooLarge, "inflating this deflated member needs \(CheckedSize.describe(bytes: expectedBytes)) in "
                        + "\(directory), which has \(CheckedSize.describe(bytes: free)) free",
                    fix: "Point TMPDIR at a larger disk, or save uncompressed with np.savez (its members are read in place)")
            }
        }
        var template = Array("\(directory)/regbn-npz-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw site.error(.readFailed, "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))",
                             fix: "Point TMPDIR at a writable directory")
        }
        defer { close(descriptor) }
        unlink(String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
        var crc = crc32(0, nil, 0)
        var written = 0
        try stream(source, site) { chunk in
            crc = crc32(crc, chunk.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(chunk.count))
            written += chunk.count
            guard written <= expectedBytes else { return false }
            try writeAll(descriptor, chunk, site)
            return true
        }
        guard written == expectedBytes, crc == uLong(expectedCRC) else {
            throw site.error(
                .readFailed, "the deflated member is damaged (it inflates to \(written) bytes with CRC-32 "
                    + "\(String(crc, radix: 16)), the archive declares \(expectedBytes) bytes with \(String(expectedCRC, radix: 16)))",
                fix: "Write the archive again")
        }
        return try MappedFile(descriptor: descriptor, path: site.file, site)
    }

    /// The first `count` inflated bytes (fewer if the stream is shorter).
    static func prefix(_ source: UnsafeRawBufferPointer, count: Int, _ site: ErrorSite) throws -> [UInt8] {
        var output: [UInt8] = []
        try stream(source, site) { chunk in
            output += chunk.prefix(count - output.count)
            return output.count < count
        }
        return output
    }

    /// Feeds inflated chunks to `consume` until the stream ends or it
    /// returns false.
    private static func stream(
        _ source: UnsafeRawBufferPointer, _ site: ErrorSite, _ consume: (UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        var stream = z_stream()
        guard czlib_inflate_init_raw(&stream) == Z_OK else {
            throw site.error(.readFailed, "zlib cannot start inflating")
        }
        defer { inflateEnd(&stream) }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferBytes, alignment: 64)
        defer { output.deallocate() }
        var consumed = 0
        while true {
            if stream.avail_in == 0, consumed < source.count {
                let take = min(source.count - consumed, 1 << 30)
                stream.next_in = UnsafeMutablePointer(
                    mutating: source.baseAddress?.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(take)
                consumed += take
            }
            stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(output.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.avail_out)
            guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && produced > 0) else {
                let detail = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw site.error(.readFailed, "the deflated member cannot be inflated (\(detail))", fix: "Write the archive again")
            }
            if produced > 0, try !consume(UnsafeRawBufferPointer(rebasing: output[0..<produced])) { return }
            if status == Z_STREAM_END { return }
            if produced == 0, stream.avail_in == 0, consumed == source.count {
                throw site.error(.truncated, "the deflated member ends before its stream does", fix: "Write the archive again")
            }
        }
    }

    private static func writeAll(_ descriptor: Int32, _ chunk: UnsafeRawBufferPointer, _ site: ErrorSite) throws {
        var offset = 0
        while offset < chunk.count {
            let result = write(descriptor, chunk.baseAddress?.advanced(by: offset), chunk.count - offset)
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                throw site.error(.readFailed, "writing the inflated member to a temporary file failed: "
                                     + String(cString: strerror(errno)), fix: "Point TMPDIR at a disk with free space")
            }
            offset += result
        }
    }
}
