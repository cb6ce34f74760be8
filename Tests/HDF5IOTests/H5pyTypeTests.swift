import HDF5IO
import TestSupport
import Testing

/// Reads Fixtures/hdf5/types.h5 (make_test_files.py): every integer width and
/// signedness in both byte orders, float16/32/64, converted to Float, Double
/// and Int64, checked against the script's formulas.
@Suite struct H5pyTypeTests {
    static let path = TestPaths.fixture("hdf5/types.h5").path
    static let count = 30

    /// make_test_files.py: signed (37 i mod 251) − 125, unsigned 37 i mod 251.
    static func code(_ index: Int, signed: Bool) -> Int64 {
        Int64((index * 37) % 251 - (signed ? 125 : 0))
    }

    static let integerTypes: [(bits: Int, signed: Bool, bigEndian: Bool)] =
        [8, 16, 32, 64].flatMap { bits in
            [false, true].flatMap { signed in [false, true].map { (bits, signed, $0) } }
        }

    static func name(bits: Int, signed: Bool, bigEndian: Bool) -> String {
        "/\(signed ? "int" : "uint")\(bits)_\(bigEndian ? "be" : "le")"
    }

    @Test(arguments: integerTypes.indices)
    func integers(_ which: Int) throws {
        let (bits, signed, bigEndian) = Self.integerTypes[which]
        let name = Self.name(bits: bits, signed: signed, bigEndian: bigEndian)
        let file = try HDF5File.open(Self.path)
        let info = try file.info(name)
        #expect(info.elementType.elementClass == .integer)
        #expect(info.elementType.size == bits / 8)
        #expect(info.elementType.isSigned == signed)
        if bits > 8 { #expect(info.elementType.byteOrder == (bigEndian ? .bigEndian : .littleEndian)) }
        #expect(info.shape == [10, 3])

        // Scaled by 2^(bits-8): exact in Float and Double (at most 8 significant bits).
        let scale = Double(1 << (bits - 8))
        let expected = (0..<Self.count).map { Double(Self.code($0, signed: signed)) * scale }
        #expect(try file.readArray(name, as: Double.self).storage == expected)
        #expect(try file.readFeatures(name, as: Float.self).storage == expected.map { Float($0) })
        if signed || bits < 64 {
            let exact = (0..<Self.count).map { Self.code($0, signed: signed) << Int64(bits - 8) }
            #expect(try file.readArray(name, as: Int64.self).storage == exact)
        }
    }

    @Test(arguments: [16, 32, 64], [false, true])
    func floats(bits: Int, bigEndian: Bool) throws {
        let name = "/float\(bits)_\(bigEndian ? "be" : "le")"
        let file = try HDF5File.open(Self.path)
        let info = try file.info(name)
        #expect(info.elementType.elementClass == .float)
        #expect(info.elementType.size == bits / 8)
        #expect(info.elementType.byteOrder == (bigEndian ? .bigEndian : .littleEndian))
        #expect(info.dtype.hasPrefix("float\(bits)"))
        let expected = (0..<Self.count).map { Double(Self.code($0, signed: true)) / 4 }
        #expect(try file.readArray(name, as: Double.self).storage == expected)
        #expect(
            try file.readFeatures(name, as: Float.self, samples: 2..<5).storage
                == expected[6..<15].map { Float($0) })
    }

    @Test func floatDataIsNotSilentlyRoundedToIntegers() throws {
        let file = try HDF5File.open(Self.path)
        let error = try #require(throws: HDF5Error.self) { try file.readArray("/float32_le", as: Int64.self) }
        #expect(error.kind == .unsupportedType)
        #expect(error.dataset == "/float32_le")
    }
}
