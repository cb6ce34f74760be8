import Linalg

/// Ordinary least-squares regress-out of g from f over the whole dataset: the
/// simplest baseline beside RegBN (stage `ols` of summary.csv).
/// ```
/// f_ols = F − (G − 1ḡᵀ)·W,   W = (GcᵀGc + εI)⁺·GcᵀFc,   Gc = G − 1ḡᵀ, Fc = F − 1f̄ᵀ
/// ```
/// The fit includes an intercept (G and F are centred by their dataset means),
/// as ordinary regress-out does: W then says how f co-varies with g, not how
/// their means relate; without it a g with a non-zero mean would "explain" f's
/// mean through a slope, biasing W. The intercept is fitted but not removed:
/// f_ols keeps f's mean, so only the part of f that varies with g is taken out
/// (the dependence measures are shift-invariant either way). Consequently
/// Gcᵀ·F_ols = ε·W, exactly 0 for ε = 0: no linear trace of g is left in f.
///
/// ε (`ridge`, ≥ 0, in the units of GcᵀGc, i.e. summed over samples) is 0 by
/// default: plain least squares, solved as a pseudo-inverse through the
/// eigendecomposition of GcᵀGc, where directions whose eigenvalue is below
/// max(m, N)·ε₆₄·λ_max (the accuracy of the eigenvalues of the normal matrix)
/// are treated as null, so a rank-deficient g (more features than samples,
/// duplicated channels) gives the minimum-norm solution as `numpy.linalg.lstsq`.
///
/// Streamed: `add` takes the data batch by batch and keeps only the counts, the
/// means and the centred co-moments GcᵀGc (m × m) and GcᵀFc (m × n), merged
/// exactly across batches (Chan, Golub & LeVeque 1979's pairwise update), so
/// memory is m² + m·n doubles whatever N; then `solve`, then `OLSFit.apply` per batch.
public struct OLSAccumulator: Sendable {
    public let featuresF: Int
    public let featuresG: Int
    /// Samples accumulated so far.
    public private(set) var count = 0
    private var meanF: [Double]
    private var meanG: [Double]
    /// Σ (g − ḡ)(g − ḡ)ᵀ and Σ (g − ḡ)(f − f̄)ᵀ.
    private var gg: Matrix<Double>
    private var gf: Matrix<Double>

    public init(featuresF: Int, featuresG: Int) {
        self.featuresF = featuresF
        self.featuresG = featuresG
        meanF = [Double](repeating: 0, count: featuresF)
        meanG = [Double](repeating: 0, count: featuresG)
        gg = Matrix(rows: featuresG, columns: featuresG)
        gf = Matrix(rows: featuresG, columns: featuresF)
    }

    /// Adds one batch: rows are samples, f and g row for row.
    public mutating func add<T: LinalgScalar>(f: Matrix<T>, g: Matrix<T>) throws {
        let batch = try BatchMoments(f: f, g: g, featuresF: featuresF, featuresG: featuresG)
        let (na, nb) = (Double(count), Double(f.rows))
        let total = na + nb
        let dg = zip(batch.meanG, meanG).map { $0 - $1 }, df = zip(batch.meanF, meanF).map { $0 - $1 }
        let weight = na * nb / total
        for i in 0..<featuresG {
            for j in 0..<featuresG { gg.storage[i * featuresG + j] += batch.gg.storage[i * featuresG + j] + weight * dg[i] * dg[j] }
            for j in 0..<featuresF { gf.storage[i * featuresF + j] += batch.gf.storage[i * featuresF + j] + weight * dg[i] * df[j] }
        }
        for i in 0..<featuresG { meanG[i] += dg[i] * nb / total }
        for j in 0..<featuresF { meanF[j] += df[j] * nb / total }
        count += f.rows
    }

    /// W from the accumulated moments.
    public func solve(ridge: Double = 0) throws -> OLSFit {
        guard count > 0 else { throw BaselineError.noSamples }
        return OLSFit(weights: try regressionWeights(gg: gg, gf: gf, samples: count, ridge: ridge),
                      meanG: meanG, meanF: meanF, samples: count, ridge: ridge)
    }
}

/// A solved regress-out: apply it to every batch of f and g.
public struct OLSFit: Sendable {
    /// m × n: f's change per unit of each centred g feature.
    public let weights: Matrix<Double>
    public let meanG: [Double]
    public let meanF: [Double]
    public let samples: Int
    public let ridge: Double

    /// f − (g − ḡ)·W for one batch, in the batch's precision (computed in float64).
    public func apply<T: LinalgScalar>(f: Matrix<T>, g: Matrix<T>) throws -> Matrix<T> {
        try checkBatch(f: f, g: g, featuresF: weights.columns, featuresG: weights.rows)
        var gc = g.converted(to: Double.self)
        for i in 0..<g.rows { for j in 0..<g.columns { gc.storage[i * g.columns + j] -= meanG[j] } }
        var out = f.converted(to: Double.self)
        matmulAccumulate(gc, weights, into: &out, alpha: -1, beta: 1)
        return out.converted(to: T.self)
    }
}

/// The centred moments of one batch (its own means).
struct BatchMoments {
    let meanF: [Double], meanG: [Double]
    let gg: Matrix<Double>, gf: Matrix<Double>
    let fc: Matrix<Double>, gc: Matrix<Double>

    init<T: LinalgScalar>(f: Matrix<T>, g: Matrix<T>, featuresF: Int, featuresG: Int) throws {
        try checkBatch(f: f, g: g, featuresF: featuresF, featuresG: featuresG)
        func centred(_ m: Matrix<T>) -> (Matrix<Double>, [Double]) {
            var out = m.converted(to: Double.self)
            var means = [Double](repeating: 0, count: m.columns)
            for i in 0..<m.rows { for j in 0..<m.columns { means[j] += out.storage[i * m.columns + j] } }
            means = means.map { $0 / Double(max(1, m.rows)) }
            for i in 0..<m.rows { for j in 0..<m.columns { out.storage[i * m.columns + j] -= means[j] } }
            return (out, means)
        }
        (fc, meanF) = centred(f)
        (gc, meanG) = centred(g)
        gg = matmul(gc, gc, transposeA: true)
        gf = matmul(gc, fc, transposeA: true)
    }
}

func checkBatch<T: LinalgScalar>(f: Matrix<T>, g: Matrix<T>, featuresF: Int, featuresG: Int) throws {
    guard f.rows == g.rows else {
        throw BaselineError.shapeMismatch("f has \(f.rows) rows and g \(g.rows); pass the same samples")
    }
    guard f.columns == featuresF, g.columns == featuresG else {
        throw BaselineError.shapeMismatch("batch widths f \(f.columns), g \(g.columns); expected \(featuresF), \(featuresG)")
    }
    for (name, m) in [("f", f), ("g", g)] {
        if let bad = m.storage.firstIndex(where: { !$0.isFinite }) {
            throw BaselineError.nonFinite(operand: name, row: bad / m.columns, column: bad % m.columns)
        }
    }
}

/// (C + εI)⁺·D for the symmetric C = GcᵀGc (m × m) and D = GcᵀFc, through C's
/// eigendecomposition; eigen-directions below the normal matrix's accuracy
/// floor count as null when ε = 0.
func regressionWeights(gg: Matrix<Double>, gf: Matrix<Double>, samples: Int, ridge: Double) throws -> Matrix<Double> {
    guard ridge >= 0, ridge.isFinite else { throw BaselineError.invalidRidge(ridge) }
    let (values, vectors) = try symmetricEigen(gg)
    let largest = values.last ?? 0
    let floor = Double(max(gg.rows, samples)) * Double.ulpOfOne * largest
    var projected = matmul(vectors, gf)                          // Vᵀ·D: row i is eigenvector i's
    for i in 0..<values.count {
        let shifted = values[i] + ridge
        let gain = (ridge > 0 || values[i] > floor) && shifted > 0 ? 1 / shifted : 0
        for j in 0..<gf.columns { projected.storage[i * gf.columns + j] *= gain }
    }
    return matmul(vectors, projected, transposeA: true)
}
