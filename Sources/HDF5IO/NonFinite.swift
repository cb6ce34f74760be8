/// The one finiteness scan of a batch, done where file values become
/// Float/Double: a NaN or infinity would otherwise silently disable RegBN
/// for the batch or poison every statistic, so it stops the run with its
/// location (sample index and flattened feature, channels-first order).
public enum NonFinite {
    /// Index of the first non-finite value, or nil.
    ///
    /// Scans bit patterns (a value is non-finite when its exponent bits are
    /// all ones) in blocks without early exits, so that the loop vectorises
    /// (≈0.15 s per GiB here, about one more pass over the batch):
    /// a generic `isFinite` loop through protocol witnesses ran at ≈8 ns per
    /// value, which made the scan cost more than reading the file.
    public static func firstIndex<T: FeatureScalar>(in values: UnsafeBufferPointer<T>) -> Int? {
        if T.self == Float.self {
            return values.withMemoryRebound(to: UInt32.self) { firstIndex($0, exponent: 0x7F80_0000) }
        }
        if T.self == Double.self {
            return values.withMemoryRebound(to: UInt64.self) { firstIndex($0, exponent: 0x7FF0_0000_0000_0000) }
        }
        return values.firstIndex { !$0.isFinite }
    }

    /// A value's masked exponent equals `exponent` only when it is all ones,
    /// so the block maximum finds any non-finite value in one branch-free pass.
    private static func firstIndex<B: FixedWidthInteger>(_ bits: UnsafeBufferPointer<B>, exponent: B) -> Int? {
        let block = 4096
        var start = 0
        while start < bits.count {
            let end = min(start + block, bits.count)
            var largest: B = 0
            for index in start..<end { largest = max(largest, bits[index] & exponent) }
            if largest == exponent { return (start..<end).first { bits[$0] & exponent == exponent } }
            start = end
        }
        return nil
    }

    /// "sample 37 holds NaN (flattened feature 2 of 4)" and the fix, for the
    /// value at `index` of a row-major batch of `width` features per row whose
    /// row r is sample `sample(r)`.
    /// A batch of a block of columns names the feature among all of them:
    /// `firstFeature` is the block's first column, `totalWidth` the row's width.
    public static func describe<T: BinaryFloatingPoint>(
        _ value: T, at index: Int, width: Int, firstFeature: Int = 0, totalWidth: Int? = nil, sample: (Int) -> Int
    ) -> (message: String, fix: String) {
        let row = index / max(width, 1)
        let kind = value.isNaN ? "NaN" : (value > 0 ? "+inf" : "-inf")
        return (
            "sample \(sample(row)) holds \(kind) (flattened feature \(firstFeature + index % max(width, 1)) of "
                + "\(totalWidth ?? width))",
            "Remove or impute non-finite samples before running the analysis"
        )
    }
}
