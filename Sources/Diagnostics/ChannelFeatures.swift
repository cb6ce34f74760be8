import Linalg

/// Per-sample channel means: row i of the result holds, for each channel c, the
/// mean of the spatial block `c·S ..< (c+1)·S` of row i of `x` (S = columns/C),
/// i.e. the mean over the spatial axes of an [n, C, *spatial] array flattened in
/// C order. With S = 1 (no spatial axes) `x` is returned as it is.
///
/// The sums run on the data scaled by a power of two (exact), so S values near
/// the float range's ends neither overflow nor lose their bits; the means are
/// returned in the data's units.
///
/// - Throws: `DiagnosticsError.channelLayoutMismatch` when C does not divide the columns.
public func channelFeatures(_ x: Matrix<Double>, channels: Int, operand: String = "x") throws -> Matrix<Double> {
    guard channels > 0, x.columns % channels == 0 else {
        throw DiagnosticsError.channelLayoutMismatch(operand: operand, columns: x.columns, channels: channels)
    }
    let spatial = x.columns / channels
    if spatial == 1 { return x }
    let largest = x.storage.reduce(0) { max($0, abs($1)) }
    let exponent = largest > 0 && largest.isFinite ? -largest.exponent : 0
    let down = PowerOfTwo(exponent), up = PowerOfTwo(-exponent)
    var out = Matrix<Double>(rows: x.rows, columns: channels)
    for i in 0..<x.rows {
        for c in 0..<channels {
            let start = i * x.columns + c * spatial
            var sum = 0.0
            for s in 0..<spatial { sum += down.apply(x.storage[start + s]) }
            out.storage[i * channels + c] = up.apply(sum / Double(spatial))
        }
    }
    return out
}
