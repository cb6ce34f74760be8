import Cluster
import Linalg

/// Pearson correlation between the channels of two layers, on the per-sample
/// channel means (`channelFeatures`), as `numpy.corrcoef` computes it:
/// ```
/// r_ab = Σᵢ (xᵢₐ − x̄ₐ)(yᵢᵦ − ȳᵦ) / √(Σᵢ (xᵢₐ − x̄ₐ)² · Σᵢ (yᵢᵦ − ȳᵦ)²),  clipped to [−1, 1]
/// ```
/// Each column is rescaled by its own power of two before anything is squared,
/// so channels of any magnitudes, even 1e300 beside 1e-300, correlate exactly.
/// Summaries over the entries whose channels both vary: mean |r|, max |r| and
/// RMS r = √(mean r²). A constant channel (max = min over the samples) has no
/// correlation: its row or column is NaN in `matrix`, it is listed in
/// `constantChannelsX/Y`, and it is left out of the summaries — never folded in.
/// Categorical operands enter as their one-hot code (one channel per level).
///
/// Bootstrap intervals resample the samples (rows) and recompute the matrix; a
/// channel constant in a resample leaves that resample's summaries, as it would
/// the estimate's. Mean |r| and RMS r take the basic interval, max |r| a
/// simultaneous one (`ChannelCorrelationBootstrap` says why).
public struct ChannelCorrelation: Sendable {
    public var bootstrap: BootstrapSettings?
    public var threads: Int

    public init(bootstrap: BootstrapSettings? = nil, threads: Int = defaultThreadCount) {
        self.bootstrap = bootstrap
        self.threads = threads
    }

    /// - Parameters: `x` n×(Cx·Sx), `y` n×(Cy·Sy), flattened channel-major. Over
    ///   several ranks (`communicator`), this rank's whole channels of each (`channelsX`
    ///   and `channelsY` of them).
    public func callAsFunction(_ x: Matrix<Double>, channelsX: Int, _ y: Matrix<Double>, channelsY: Int,
                               communicator: any Communicator = SingleProcess()) throws -> ChannelCorrelationResult {
        let layout = try BlockLayout.of(.continuous(x), .continuous(y), communicator: communicator)
        try InputValidation.checkPair(.continuous(x), .continuous(y), statistic: "channel correlation",
                                      minimumSamples: 2, layout: layout)
        let (fx, fy) = try communicator.agreeing {
            (try channelFeatures(x, channels: channelsX, operand: "x"), try channelFeatures(y, channels: channelsY, operand: "y"))
        }
        return try self(.continuous(fx), .continuous(fy), communicator: communicator)
    }

    /// - Parameters: operands with one feature per channel (per-sample channel
    ///   means), or labels (one channel per level). Over several ranks
    ///   (`communicator`), this rank's block of the channels (labels whole on every
    ///   rank): the channel features are small, so every rank gathers all of them
    ///   and computes the whole result.
    public func callAsFunction(_ x: Operand, _ y: Operand,
                               communicator: any Communicator = SingleProcess()) throws -> ChannelCorrelationResult {
        guard communicator.size == 1 else {
            let layout = try BlockLayout.of(x, y, communicator: communicator)
            try InputValidation.checkPair(x, y, statistic: "channel correlation", minimumSamples: 2, layout: layout)
            func whole(_ operand: Operand) throws -> Operand {
                guard case .continuous(let block) = operand else { return operand }
                return .continuous(try gatheredColumns(block, across: communicator))
            }
            return try self(whole(x), whole(y))
        }
        try InputValidation.checkPair(x, y, statistic: "channel correlation", minimumSamples: 2)
        try bootstrap?.validate()
        let sx = standardisedColumns(x.features), sy = standardisedColumns(y.features)
        let matrix = correlations(sx, sy)
        let replicates = bootstrap.map { settings in
            ChannelCorrelationBootstrap(estimate: matrix, settings: settings, n: x.sampleCount, threads: threads) {
                weightedCorrelations(sx, sy, weights: $0)
            }
        }
        return ChannelCorrelationResult(matrix: matrix, constantChannelsX: sx.constant, constantChannelsY: sy.constant,
                                        n: x.sampleCount, bootstrap: bootstrap, resampled: replicates)
    }

    /// Columns centred and scaled to unit norm; constant columns are reported and zeroed.
    private func standardisedColumns(_ m: Matrix<Double>) -> (columns: Matrix<Double>, constant: [Int]) {
        var out = m
        var constant: [Int] = []
        let n = m.rows, p = m.columns
        for j in 0..<p {
            var largest = 0.0, low = Double.infinity, high = -Double.infinity
            for i in 0..<n {
                let v = m.storage[i * p + j]
                largest = max(largest, abs(v))
                (low, high) = (min(low, v), max(high, v))
            }
            guard low != high else {
                constant.append(j)
                for i in 0..<n { out.storage[i * p + j] = 0 }
                continue
            }
            let scale = PowerOfTwo(-largest.exponent)
            var mean = 0.0
            for i in 0..<n { mean += scale.apply(m.storage[i * p + j]) }
            mean /= Double(n)
            var sumOfSquares = 0.0
            for i in 0..<n {
                let v = scale.apply(m.storage[i * p + j]) - mean
                out.storage[i * p + j] = v
                sumOfSquares += v * v
            }
            // A column whose centred values all round to 0 has no usable variance either.
            guard sumOfSquares > 0 else {
                constant.append(j)
                for i in 0..<n { out.storage[i * p + j] = 0 }
                continue
            }
            let norm = sumOfSquares.squareRoot()
            for i in 0..<n { out.storage[i * p + j] /= norm }
        }
        return (out, constant)
    }

    /// The correlations of a resample that draws sample i wᵢ times (Σw = n), from
    /// the standardised columns without gathering rows:
    /// r_ab = (Σ wᵢxᵢₐyᵢᵦ/n − x̄ₐȳᵦ)/√(varₐ·varᵦ) with weighted means and variances.
    /// A channel that is constant among the drawn samples (decided on the values,
    /// exactly) is NaN, as a constant channel is in the estimate.
    private func weightedCorrelations(_ sx: (columns: Matrix<Double>, constant: [Int]),
                                      _ sy: (columns: Matrix<Double>, constant: [Int]),
                                      weights: [Double]) -> Matrix<Double> {
        let n = Double(weights.count)
        func moments(_ m: Matrix<Double>) -> (scaled: Matrix<Double>, mean: [Double], deviation: [Double]) {
            var scaled = m
            var sum = [Double](repeating: 0, count: m.columns), squares = sum
            var low = [Double](repeating: .infinity, count: m.columns), high = [Double](repeating: -.infinity, count: m.columns)
            for i in 0..<m.rows {
                let w = weights[i]
                for j in 0..<m.columns {
                    let v = m.storage[i * m.columns + j]
                    scaled.storage[i * m.columns + j] = w * v
                    guard w > 0 else { continue }
                    sum[j] += w * v
                    squares[j] += w * v * v
                    (low[j], high[j]) = (min(low[j], v), max(high[j], v))
                }
            }
            let mean = sum.map { $0 / n }
            let deviation = (0..<m.columns).map { j in
                low[j] == high[j] ? 0 : max(0, squares[j] / n - mean[j] * mean[j]).squareRoot()
            }
            return (scaled, mean, deviation)
        }
        let mx = moments(sx.columns), my = moments(sy.columns)
        var r = matmul(mx.scaled, sy.columns, transposeA: true)
        let constantX = Set(sx.constant), constantY = Set(sy.constant)
        for a in 0..<r.rows {
            for b in 0..<r.columns {
                let d = mx.deviation[a] * my.deviation[b]
                r[a, b] = constantX.contains(a) || constantY.contains(b) || d == 0
                    ? .nan : min(1, max(-1, (r[a, b] / n - mx.mean[a] * my.mean[b]) / d))
            }
        }
        return r
    }

    private func correlations(_ sx: (columns: Matrix<Double>, constant: [Int]),
                              _ sy: (columns: Matrix<Double>, constant: [Int])) -> Matrix<Double> {
        var r = matmul(sx.columns, sy.columns, transposeA: true)
        let constantX = Set(sx.constant), constantY = Set(sy.constant)
        for a in 0..<r.rows {
            for b in 0..<r.columns {
                r[a, b] = constantX.contains(a) || constantY.contains(b) ? .nan : min(1, max(-1, r[a, b]))
            }
        }
        return r
    }
}
