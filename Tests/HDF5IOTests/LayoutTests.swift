import HDF5IO
import TestSupport
import Testing

/// `nhwc` files are returned as `nchw`, element by element.
@Suite struct LayoutTests {
    /// Value stored at channels-last position (n, spatial..., c).
    static func code(_ indices: [Int]) -> Float {
        Float(indices.reduce(0) { $0 * 10 + $1 })
    }

    static func channelsLastFile(shape: [Int]) throws -> String {
        try writeTestFile(shape: shape) { flat in
            var remainder = flat
            var indices = [Int](repeating: 0, count: shape.count)
            for axis in shape.indices.reversed() {
                indices[axis] = remainder % shape[axis]
                remainder /= shape[axis]
            }
            return code(indices)
        }
    }

    @Test func imagesAreTransposedToChannelsFirst() throws {
        let path = try Self.channelsLastFile(shape: [3, 2, 4, 5])  // N, H, W, C
        let read = try HDF5File.open(path).readFeatures("/x", as: Float.self, samples: 1..<3, layout: .nhwc)
        #expect(read.shape == [2, 5, 2, 4])
        var flat = 0
        for n in 0..<2 {
            for c in 0..<5 {
                for h in 0..<2 {
                    for w in 0..<4 {
                        #expect(read.storage[flat] == Self.code([n + 1, h, w, c]))
                        flat += 1
                    }
                }
            }
        }
    }

    @Test func signalsAreTransposedToChannelsFirst() throws {
        let path = try Self.channelsLastFile(shape: [2, 6, 3])  // N, L, C
        let read = try HDF5File.open(path).readFeatures("/x", as: Double.self, layout: .nhwc)
        #expect(read.shape == [2, 3, 6])
        #expect(read.storage[1 * 18 + 2 * 6 + 5] == Double(Self.code([1, 5, 2])))
    }

    @Test func vectorsAreUnchangedByLayout() throws {
        let path = try writeTestFile(shape: [4, 3]) { Float($0) }
        let file = try HDF5File.open(path)
        let nhwc = try file.readFeatures("/x", as: Float.self, layout: .nhwc)
        let nchw = try file.readFeatures("/x", as: Float.self)
        #expect(nhwc.shape == nchw.shape && nhwc.storage == nchw.storage)
    }
}
