import Linalg

/// Pearson correlation between the channels of two layers, on the per-sample
/// channel means (`channelFeatures`), as `numpy.corrcoef` computes it:
/// ```
/// r_ab = Σᵢ (xᵢₐ − x̄ₐ)(yᵢᵦ − ȳᵦ) / √(Σᵢ (xᵢₐ − x̄ₐ)² · Σᵢ (yᵢᵦ − ȳᵦ)²),  clipped to [−1, 1]
/// ```
/// Summaries over the entries whose channels both vary: mean |r|, max |r| and
/// RMS r = √(mean r²). A constant channel (max = min over the samples) has no
/// correlation: its row or column is NaN in `matrix`, it is listed in
/// `constantChannelsX/Y`, and it is left out of the summaries — never folded in.
public struct ChannelCorrelation: Sendable {
    public init() {}

    /// - Parameters: `x` n×(Cx·Sx), `y` n×(Cy·Sy), flattened channel-major.
    public func callAsFunction(_ x: Matrix<Double>, channelsX: Int,
                               _ y: Matrix<Double>, channelsY: Int) throws -> ChannelCorrelationResult {
        try InputValidation.checkPair(x, y, statistic: "channel correlation", minimumSamples: 2)
        let fx = try channelFeatures(x, channels: channelsX, operand: "x")
        let fy = try channelFeatures(y, channels: channelsY, operand: "y")
        let (xc, constantX) = standardisedColumns(fx)
        let (yc, constantY) = standardisedColumns(fy)
        var r = matmul(xc, yc, transposeA: true)
        for a in 0..<r.rows {
            for b in 0..<r.columns {
                r[a, b] = constantX.contains(a) || constantY.contains(b) ? .nan : min(1, max(-1, r[a, b]))
            }
        }
        return ChannelCorrelationResult(matrix: r, constantChannelsX: constantX, constantChannelsY: constantY)
    }

    /// Columns centred and scaled to unit norm; constant columns are reported and zeroed.
    private func standardisedColumns(_ m: Matrix<Double>) -> (Matrix<Double>, [Int]) {
        var out = columnCentred(m)
        var constant: [Int] = []
        for j in 0..<m.columns {
            let column = stride(from: j, to: m.storage.count, by: m.columns).map { m.storage[$0] }
            let isConstant = column.min() == column.max()
            var ss = 0.0
            for i in 0..<m.rows { ss += out[i, j] * out[i, j] }
            let scale = isConstant ? 0 : 1 / ss.squareRoot()
            if isConstant { constant.append(j) }
            for i in 0..<m.rows { out[i, j] *= scale }
        }
        return (out, constant)
    }
}

public struct ChannelCorrelationResult: Sendable, Equatable {
    /// Cx × Cy Pearson correlations; NaN in the rows/columns of constant channels.
    public let matrix: Matrix<Double>
    /// Indices of channels that are constant over the samples (excluded from the summaries).
    public let constantChannelsX: [Int]
    public let constantChannelsY: [Int]

    private var usable: [Double] { matrix.storage.filter { !$0.isNaN } }
    /// Entries that enter the summaries.
    public var entriesUsed: Int { usable.count }
    /// Mean |r| over usable entries (NaN when there are none).
    public var meanAbs: Double {
        let u = usable
        return u.isEmpty ? .nan : u.reduce(0) { $0 + abs($1) } / Double(u.count)
    }
    public var maxAbs: Double { usable.map(abs).max() ?? .nan }
    /// √(mean r²) over usable entries.
    public var rms: Double {
        let u = usable
        return u.isEmpty ? .nan : (u.reduce(0) { $0 + $1 * $1 } / Double(u.count)).squareRoot()
    }
}
