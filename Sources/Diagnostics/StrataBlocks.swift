import Cluster
import Linalg

/// Strata for a within-strata analysis: the labels of the rows, and which
/// operand is constant inside each stratum (decided on the data, exactly: a
/// block of a centred kernel is only zero up to round-off, and 0/0 of round-off
/// is not a correlation).
struct StrataRequest {
    let labels: CategoricalLabels
    /// Per stratum, in level order.
    let constant: [(x: Bool, y: Bool)]

    /// Over several ranks each holds some of x's and y's columns: an operand is constant
    /// in a stratum when it is in every rank's columns.
    init(_ labels: CategoricalLabels, x: PreparedOperand, y: PreparedOperand,
         communicator: any Communicator) throws(CommunicatorError) {
        try self.init(labels, communicator: communicator) { (x.isConstant(on: $0), y.isConstant(on: $0)) }
    }

    init(_ labels: CategoricalLabels, x: ScaledColumns, y: ScaledColumns,
         communicator: any Communicator) throws(CommunicatorError) {
        try self.init(labels, communicator: communicator) { (x.isConstant(on: $0), y.isConstant(on: $0)) }
    }

    private init(_ labels: CategoricalLabels, communicator: any Communicator,
                 constantHere: ([Int]) -> (x: Bool, y: Bool)) throws(CommunicatorError) {
        self.labels = labels
        let local = labels.groups.map(constantHere)
        guard communicator.size > 1 else {
            constant = local
            return
        }
        let flags = try communicator.allgather(local.flatMap { [$0.x, $0.y] })
        constant = local.indices.map { s in
            (flags.allSatisfy { $0[2 * s] }, flags.allSatisfy { $0[2 * s + 1] })
        }
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
    /// Over several ranks each computes its share of the resamples (`productsByIndex`).
    func bootstrapProducts(settings: BootstrapSettings, threads: Int,
                           communicator: any Communicator) throws(CommunicatorError) -> [[PairProducts]?] {
        let share = communicator.share(of: settings.resamples)
        let weights = stratifiedBootstrapWeights(groups: groups, settings: settings, threads: threads, resamples: share)
        var products: [[PairProducts]?] = []
        for s in blocks.indices {
            guard blocks[s].size >= 2 else {
                products.append(nil)
                continue
            }
            products.append(try productsByIndex(count: settings.resamples, across: communicator) { _ in
                resampledProducts(block(s, of: a), block(s, of: b), n: blocks[s].size, weights: weights[s])
            })
        }
        return products
    }
}
