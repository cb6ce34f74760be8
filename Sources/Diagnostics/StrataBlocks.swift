import Linalg

/// Strata for a within-strata analysis: the labels of the rows, and which
/// operand is constant inside each stratum (decided on the data, exactly: a
/// block of a centred kernel is only zero up to round-off, and 0/0 of round-off
/// is not a correlation).
struct StrataRequest {
    let labels: CategoricalLabels
    /// Per stratum, in level order.
    let constant: [(x: Bool, y: Bool)]

    init(_ labels: CategoricalLabels, x: PreparedOperand, y: PreparedOperand) {
        self.labels = labels
        constant = labels.groups.map { (x.isConstant(on: $0), y.isConstant(on: $0)) }
    }

    init(_ labels: CategoricalLabels, x: ScaledColumns, y: ScaledColumns) {
        self.labels = labels
        constant = labels.groups.map { (x.isConstant(on: $0), y.isConstant(on: $0)) }
    }
}

/// The within-stratum blocks A[Iₛ, Iₛ], B[Iₛ, Iₛ] of two full n×n matrices,
/// each double-centred within its block and stored one after another: what the
/// within-strata statistics, the stratified permutation test and the stratified
/// bootstrap read; the block of an operand constant in the stratum is exactly 0.
/// Memory Σ nₛ² ≤ n² doubles per matrix.
struct StrataBlocks {
    var a: [Double]
    var b: [Double]
    /// Block s holds stratum s (every stratum, whatever its size).
    let blocks: [MatrixBlock]
    let groups: [[Int]]

    init(a fullA: [Double], b fullB: [Double], n: Int, strata: StrataRequest) {
        let groups = strata.labels.groups
        var offsets: [MatrixBlock] = []
        var offset = 0
        for g in groups {
            offsets.append(MatrixBlock(offset: offset, size: g.count))
            offset += g.count * g.count
        }
        blocks = offsets
        self.groups = groups
        a = [Double](repeating: 0, count: offset)
        b = [Double](repeating: 0, count: offset)
        for (s, group) in groups.enumerated() {
            if !strata.constant[s].x { Self.extractCentred(fullA, n: n, rows: group, into: &a, at: offsets[s].offset) }
            if !strata.constant[s].y { Self.extractCentred(fullB, n: n, rows: group, into: &b, at: offsets[s].offset) }
        }
    }

    /// M[rows, rows] − row means − column means + grand mean, written at `offset`.
    private static func extractCentred(_ m: [Double], n: Int, rows: [Int], into out: inout [Double], at offset: Int) {
        let k = rows.count
        guard k > 0 else { return }
        var means = [Double](repeating: 0, count: k)
        for (i, ri) in rows.enumerated() {
            var sum = 0.0
            for rj in rows { sum += m[ri * n + rj] }
            means[i] = sum / Double(k)
        }
        let grand = means.reduce(0, +) / Double(k)
        for (i, ri) in rows.enumerated() {
            for (j, rj) in rows.enumerated() {
                out[offset + i * k + j] = m[ri * n + rj] - means[i] - means[j] + grand
            }
        }
    }

    private func block(_ s: Int, of values: [Double]) -> [Double] {
        let block = blocks[s]
        return Array(values[block.offset..<(block.offset + block.size * block.size)])
    }

    /// Each stratum's products (strata with fewer than 2 samples have none).
    func products() -> [PairProducts?] {
        blocks.indices.map { s in
            let size = blocks[s].size
            guard size >= 2 else { return nil }
            let ones = Matrix(rows: size, columns: 1, repeating: 1.0)
            return resampledProducts(block(s, of: a), block(s, of: b), n: size, weights: ones)[0]
        }
    }

    /// Each stratum's products on every stratified bootstrap resample: [stratum][resample].
    func bootstrapProducts(settings: BootstrapSettings, threads: Int) -> [[PairProducts]?] {
        let weights = stratifiedBootstrapWeights(groups: groups, settings: settings, threads: threads)
        return blocks.indices.map { s in
            blocks[s].size >= 2
                ? resampledProducts(block(s, of: a), block(s, of: b), n: blocks[s].size, weights: weights[s])
                : nil
        }
    }
}
