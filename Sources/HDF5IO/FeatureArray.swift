/// How the feature axes are ordered in the file. `nchw` (samples, channels,
/// spatial...) is what the rest of the package works with; `nhwc` files keep
/// channels last and are transposed to `nchw` on reading.
public enum FeatureLayout: String, Sendable, CaseIterable {
    case nchw, nhwc
}

/// A dense array in C (row-major) order, as HDF5 stores it. Axis 0 is samples.
public struct FeatureArray<T: Sendable>: Sendable {
    public var shape: [Int]
    public var storage: [T]

    public init(shape: [Int], storage: [T]) {
        precondition(
            shape.reduce(1, *) == storage.count,
            "FeatureArray: shape \(shape) needs \(shape.reduce(1, *)) elements, got \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// `shape[0]`; 1 for a scalar (shape `[]`), so that
    /// `sampleCount * featuresPerSample == storage.count` always holds.
    public var sampleCount: Int { shape.first ?? 1 }

    /// The product of all axes after the first (1 for 1-D arrays and scalars).
    public var featuresPerSample: Int { shape.dropFirst().reduce(1, *) }
}
