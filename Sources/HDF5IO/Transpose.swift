/// Channels-last (`nhwc`) ⇄ channels-first (`nchw`) reordering.
public enum ChannelsLast {
    /// `[N, d1, ..., dk, C]` → `[N, C, d1, ..., dk]`; rank ≤ 2 is unchanged.
    public static func nchwShape(_ shape: [Int]) -> [Int] {
        guard shape.count > 2, let channels = shape.last else { return shape }
        return [shape[0], channels] + shape[1..<(shape.count - 1)]
    }

    public static func needsTranspose(_ shape: [Int]) -> Bool { shape.count > 2 }

    /// Transposes each sample's `spatial × channels` block to `channels × spatial`.
    /// 4- and 8-byte elements move as integers, so that generic callers get
    /// a specialised loop instead of per-element witness calls.
    public static func toChannelsFirst<T>(
        _ source: UnsafeBufferPointer<T>, into destination: UnsafeMutableBufferPointer<T>,
        samples: Int, spatial: Int, channels: Int
    ) {
        precondition(source.count == samples * spatial * channels && destination.count == source.count)
        switch MemoryLayout<T>.stride {
        case 4:
            source.withMemoryRebound(to: UInt32.self) { from in
                destination.withMemoryRebound(to: UInt32.self) { to in
                    transpose(from, into: to, samples: samples, spatial: spatial, channels: channels)
                }
            }
        case 8:
            source.withMemoryRebound(to: UInt64.self) { from in
                destination.withMemoryRebound(to: UInt64.self) { to in
                    transpose(from, into: to, samples: samples, spatial: spatial, channels: channels)
                }
            }
        default:
            transpose(source, into: destination, samples: samples, spatial: spatial, channels: channels)
        }
    }

    @inline(__always)
    private static func transpose<T>(
        _ source: UnsafeBufferPointer<T>, into destination: UnsafeMutableBufferPointer<T>,
        samples: Int, spatial: Int, channels: Int
    ) {
        let block = spatial * channels
        for sample in 0..<samples {
            let base = sample * block
            for position in 0..<spatial {
                let row = base + position * channels
                for channel in 0..<channels {
                    destination[base + channel * spatial + position] = source[row + channel]
                }
            }
        }
    }

    /// Convenience over whole arrays of samples in file (channels-last) order.
    static func toChannelsFirst<T>(_ values: [T], fileShape: [Int]) -> [T] {
        guard needsTranspose(fileShape), let channels = fileShape.last else { return values }
        let samples = fileShape[0]
        let spatial = fileShape.dropFirst().dropLast().reduce(1, *)
        return [T](unsafeUninitializedCapacity: values.count) { destination, initialized in
            values.withUnsafeBufferPointer { source in
                toChannelsFirst(source, into: destination, samples: samples, spatial: spatial, channels: channels)
            }
            initialized = values.count
        }
    }

    /// The inverse of `toChannelsFirst`: `[N, C, d1, ..., dk]` values stored
    /// as `[N, d1, ..., dk, C]` (`fileShape`), for writing in the input's layout.
    static func toChannelsLast<T>(_ values: [T], fileShape: [Int]) -> [T] {
        guard needsTranspose(fileShape), let channels = fileShape.last else { return values }
        let samples = values.count / max(1, fileShape.dropFirst().reduce(1, *))
        let spatial = fileShape.dropFirst().dropLast().reduce(1, *)
        let block = spatial * channels
        var out = values
        for sample in 0..<samples {
            let base = sample * block
            for channel in 0..<channels {
                for position in 0..<spatial {
                    out[base + position * channels + channel] = values[base + channel * spatial + position]
                }
            }
        }
        return out
    }
}
