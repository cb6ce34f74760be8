/// The one finiteness scan of a batch, done where file values become
/// Float/Double: a NaN or infinity would otherwise silently disable RegBN
/// for the batch or poison every statistic, so it stops the run with its
/// location (sample index and flattened feature, channels-first order).
public enum NonFinite {
    /// Index of the first non-finite value, or nil.
    @inlinable
    public static func firstIndex<T: BinaryFloatingPoint>(in values: UnsafeBufferPointer<T>) -> Int? {
        for index in values.indices where !values[index].isFinite { return index }
        return nil
    }

    /// "sample 37 holds NaN (flattened feature 2 of 4)" and the fix, for the
    /// value at `index` of a row-major batch of `width` features per row whose
    /// row r is sample `sample(r)`.
    public static func describe<T: BinaryFloatingPoint>(
        _ value: T, at index: Int, width: Int, sample: (Int) -> Int
    ) -> (message: String, fix: String) {
        let row = index / max(width, 1)
        let kind = value.isNaN ? "NaN" : (value > 0 ? "+inf" : "-inf")
        return (
            "sample \(sample(row)) holds \(kind) (flattened feature \(index % max(width, 1)) of \(width))",
            "Remove or impute non-finite samples before running the analysis"
        )
    }
}
