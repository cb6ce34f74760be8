import Foundation
import Testing
import TestSupport
@testable import regbn_analyze

/// FIPS 180-4 / NIST CAVS example vectors.
@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hash(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Padding edge cases: 55, 56, 63 and 64 bytes straddle the length field.
    @Test(arguments: [55, 56, 63, 64, 65, 119, 128])
    func incrementalUpdatesMatchOneShot(_ length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = SHA256()
        var start = 0
        for piece in [1, 3, 17, 64, 200] where start < length {
            let end = min(length, start + piece)
            hasher.update(bytes[start..<end])
            start = end
        }
        if start < length { hasher.update(bytes[start...]) }
        #expect(SHA256.hex(hasher.finalize()) == SHA256.hash(bytes))
    }

    @Test func fileHashEqualsBufferHash() throws {
        let directory = try TestPaths.temporaryDirectory("sha")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data.bin")
        let bytes = (0..<(5 << 20) + 123).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try Data(bytes).write(to: file)
        #expect(try SHA256.hash(fileAt: file.path) == SHA256.hash(bytes))
        #expect(throws: InputError.self) { try SHA256.hash(fileAt: directory.appendingPathComponent("missing").path) }
    }
}
