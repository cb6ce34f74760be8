import Linalg

/// Per-sample channel means: row i of the result holds, for each channel c, the
/// mean of the spatial block `c·S ..< (c+1)·S` of row i of `x` (S = columns/C),
/// i.e. the mean over the spatial axes of an [n, C, *spatial] array flattened in
/// C order. With S = 1 (no spatial axes) `x` is returned as it is.
///
/// - Throws: `DiagnosticsError.channelLayoutMismatch` when C does not divide the columns.
public func channelFeatures(_ x: Matrix<Double>, channels: Int, operand: String = "x") throws -> Matrix<Double> {
    guard channels > 0, x.columns % channels == 0 else {
        throw DiagnosticsError.channelLayoutMismatch(operand: operand, columns: x.columns, channels: channels)
    }
    let spatial = x.columns / channels
    if spatial == 1 { return x }
    var out = Matrix<Double>(rows: x.rows, columns: channels)
    for i in 0..<x.rows {
        for c in 0..<channels {
            let start = i * x.columns + c * spatial
            var sum = 0.0
            for s in 0..<spatial { sum += x.storage[start + s] }
            out.storage[i * channels + c] = sum / Double(spatial)
        }
    }
    return out
}
