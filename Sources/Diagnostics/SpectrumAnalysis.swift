import Linalg

/// Singular values of `m` computed on m·2^e with max |m·2^e| ∈ [1, 2) and
/// scaled back (both exact): LAPACK scales too, but only outside a fixed range,
/// and the spectrum of data near 1e±300 must come out as accurately as at 1.
func scaleSafeSingularValues(_ m: Matrix<Double>) throws -> [Double] {
    let largest = m.storage.reduce(0) { max($0, abs($1)) }
    guard largest > 0 else { return try singularValues(m) }
    let down = PowerOfTwo(-largest.exponent), up = PowerOfTwo(largest.exponent)
    var scaled = m
    for k in scaled.storage.indices { scaled.storage[k] = down.apply(scaled.storage[k]) }
    return try singularValues(scaled).map(up.apply)
}

/// Singular-value spectra of consecutive batches of `batchSize` rows (the last
/// incomplete batch is dropped, as RegBN's training loop drops it), computed in
/// float64 by LAPACK `dgesdd`.
public struct SpectrumAnalysis: Sendable {
    public var batchSize: Int
    public var illConditionedThreshold: Double

    public init(batchSize: Int, precision: WorkingPrecision = .float64) {
        self.batchSize = batchSize
        self.illConditionedThreshold = precision.illConditionedThreshold
    }

    public init(batchSize: Int, illConditionedThreshold: Double) {
        self.batchSize = batchSize
        self.illConditionedThreshold = illConditionedThreshold
    }

    /// One summary per full batch; a batch with NaN/±inf is summarised as
    /// `non-finite` rather than stopping the others.
    /// - Throws: `DiagnosticsError` when there is not one full batch or no feature.
    public func callAsFunction(_ x: Matrix<Double>) throws -> [SpectrumSummary] {
        try InputValidation.checkBatches(x, batchSize: batchSize)
        return try (0..<(x.rows / batchSize)).map { b in
            let batch = x.rows((b * batchSize)..<((b + 1) * batchSize))
            let values = batch.storage.allSatisfy(\.isFinite) ? try scaleSafeSingularValues(batch) : [.nan]
            return SpectrumSummary(singularValues: values, rows: batch.rows, columns: batch.columns,
                                   illConditionedThreshold: illConditionedThreshold)
        }
    }
}
