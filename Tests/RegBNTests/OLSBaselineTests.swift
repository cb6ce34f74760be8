import Linalg
import RegBN
import SeededRandom
import Testing

// The least-squares regress-out baselines of Sources/RegBN/Baselines.

private func gaussian(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix<Double> {
    var g = SplitMix64(seed: seed)
    return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in g.standardNormal() })
}

/// f = g·B + offset + noise: linearly dependent on g, with non-zero means.
private func linearPair(_ n: Int, m: Int, p: Int, seed: UInt64) -> (f: Matrix<Double>, g: Matrix<Double>) {
    var g = gaussian(n, m, seed: seed)
    for k in g.storage.indices { g.storage[k] += 3 }
    var f = matmul(g, gaussian(m, p, seed: seed + 1))
    let noise = gaussian(n, p, seed: seed + 2)
    for k in f.storage.indices { f.storage[k] += 0.5 * noise.storage[k] - 1 }
    return (f, g)
}

private func centred(_ m: Matrix<Double>) -> Matrix<Double> {
    var out = m
    for j in 0..<m.columns {
        let mean = (0..<m.rows).reduce(0) { $0 + m[$1, j] } / Double(m.rows)
        for i in 0..<m.rows { out[i, j] -= mean }
    }
    return out
}

private func maxAbs(_ m: Matrix<Double>) -> Double { m.storage.reduce(0) { max($0, abs($1)) } }

private func regressOut(_ f: Matrix<Double>, _ g: Matrix<Double>, ridge: Double = 0) throws -> (Matrix<Double>, OLSFit) {
    var accumulator = OLSAccumulator(featuresF: f.columns, featuresG: g.columns)
    try accumulator.add(f: f, g: g)
    let fit = try accumulator.solve(ridge: ridge)
    return (try fit.apply(f: f, g: g), fit)
}

/// The minimum-norm least-squares residual of F on [1, G] by an SVD of the
/// design (`numpy.linalg.lstsq`'s method), plus F's mean.
private func lstsqResidual(_ f: Matrix<Double>, _ g: Matrix<Double>) throws -> Matrix<Double> {
    var design = Matrix<Double>(rows: g.rows, columns: g.columns + 1)
    for i in 0..<g.rows {
        design[i, 0] = 1
        for j in 0..<g.columns { design[i, j + 1] = g[i, j] }
    }
    let svd = try thinSVD(design)
    let tolerance = Double(max(design.rows, design.columns)) * Double.ulpOfOne * (svd.s.first ?? 0)
    var projected = matmul(svd.u, f, transposeA: true)
    for i in 0..<svd.s.count {
        let gain = svd.s[i] > tolerance ? 1 / svd.s[i] : 0
        for j in 0..<f.columns { projected[i, j] *= gain }
    }
    let beta = matmul(svd.vt, projected, transposeA: true)
    var residual = f
    matmulAccumulate(design, beta, into: &residual, alpha: -1, beta: 1)
    let meanF = (0..<f.columns).map { j in (0..<f.rows).reduce(0) { $0 + f[$1, j] } / Double(f.rows) }
    for i in 0..<f.rows { for j in 0..<f.columns { residual[i, j] += meanF[j] } }
    return residual
}

@Test("OLS regress-out: GcᵀF_ols = εW (0 without ridge), f's mean kept, and equal to a direct least-squares solve")
func olsRegressOut() throws {
    let (f, g) = linearPair(60, m: 5, p: 7, seed: 241)
    let (fOLS, fit) = try regressOut(f, g)
    let gc = centred(g)
    let scale = maxAbs(matmul(gc, centred(f), transposeA: true))
    #expect(maxAbs(matmul(gc, fOLS, transposeA: true)) <= 1e-12 * scale)
    for j in 0..<f.columns {
        let before = (0..<60).reduce(0) { $0 + f[$1, j] }, after = (0..<60).reduce(0) { $0 + fOLS[$1, j] }
        #expect(abs(before - after) <= 1e-10 * abs(before))
    }
    let direct = try lstsqResidual(f, g)
    #expect(maxAbs(Matrix(rows: 60, columns: 7, storage: zip(fOLS.storage, direct.storage).map { $0 - $1 }))
            <= 1e-10 * maxAbs(f))
    #expect(fit.samples == 60 && fit.weights.rows == 5 && fit.weights.columns == 7)

    let ridge = 25.0
    let (fRidge, ridgeFit) = try regressOut(f, g, ridge: ridge)
    let residual = matmul(gc, fRidge, transposeA: true)
    for k in residual.storage.indices {
        #expect(abs(residual.storage[k] - ridge * ridgeFit.weights.storage[k]) <= 1e-10 * scale)
    }
}

@Test("Streamed batches and one in-memory batch give the same fit and output to 1e-10")
func olsStreamedEqualsInMemory() throws {
    let (f, g) = linearPair(103, m: 6, p: 4, seed: 251)
    let (whole, fit) = try regressOut(f, g)
    var accumulator = OLSAccumulator(featuresF: 4, featuresG: 6)
    for start in stride(from: 0, to: 103, by: 7) {
        let rows = start..<min(start + 7, 103)
        try accumulator.add(f: f.rows(rows), g: g.rows(rows))
    }
    let streamed = try accumulator.solve()
    #expect(accumulator.count == 103)
    for (a, b) in zip(fit.weights.storage, streamed.weights.storage) { #expect(abs(a - b) <= 1e-10 * max(1, abs(a))) }
    for start in stride(from: 0, to: 103, by: 7) {
        let rows = start..<min(start + 7, 103)
        let out = try streamed.apply(f: f.rows(rows), g: g.rows(rows))
        for (a, b) in zip(out.storage, whole.rows(rows).storage) { #expect(abs(a - b) <= 1e-10 * max(1, abs(b))) }
    }
    let single = try streamed.apply(f: f.converted(to: Float.self), g: g.converted(to: Float.self))
    #expect(zip(single.storage, whole.storage).allSatisfy { abs(Double($0) - $1) <= 1e-4 * max(1, abs($1)) })
}

@Test("A rank-deficient g (duplicated features, more features than samples) gives the minimum-norm solution")
func olsRankDeficient() throws {
    let (f, base) = linearPair(12, m: 4, p: 3, seed: 261)
    var g = Matrix<Double>(rows: 12, columns: 16)
    for i in 0..<12 { for j in 0..<16 { g[i, j] = base[i, j % 4] } }       // 4 features, each 4 times
    let (fOLS, _) = try regressOut(f, g)
    let direct = try lstsqResidual(f, g)
    #expect(zip(fOLS.storage, direct.storage).allSatisfy { abs($0 - $1) <= 1e-9 * maxAbs(f) })
    let wide = gaussian(12, 30, seed: 262)                                   // m ≥ N − 1: everything explained
    let (flat, _) = try regressOut(f, wide)
    for j in 0..<3 {
        let mean = (0..<12).reduce(0) { $0 + f[$1, j] } / 12
        #expect((0..<12).allSatisfy { abs(flat[$0, j] - mean) <= 1e-9 * maxAbs(f) })
    }
}

@Test("Per-batch regress-out: each batch's own least squares; both solution forms agree; m ≥ b − 1 explains all")
func batchRegressOut() throws {
    let (f, g) = linearPair(40, m: 3, p: 5, seed: 271)
    let regressor = BatchRegressOut()
    for start in stride(from: 0, to: 40, by: 10) {
        let (fb, gb) = (f.rows(start..<start + 10), g.rows(start..<start + 10))
        let out = try regressor(f: fb, g: gb)
        let direct = try lstsqResidual(fb, gb)
        #expect(zip(out.storage, direct.storage).allSatisfy { abs($0 - $1) <= 1e-10 * maxAbs(f) })
    }
    // The b × b form (m > b) against the m × m form on the same ridge problem.
    let wideG = gaussian(8, 12, seed: 272), fb = f.rows(0..<8)
    let dual = try BatchRegressOut(ridge: 3)(f: fb, g: wideG)
    var accumulator = OLSAccumulator(featuresF: 5, featuresG: 12)
    try accumulator.add(f: fb, g: wideG)
    let primal = try accumulator.solve(ridge: 3).apply(f: fb, g: wideG)
    #expect(zip(dual.storage, primal.storage).allSatisfy { abs($0 - $1) <= 1e-10 * maxAbs(fb) })
    let flat = try BatchRegressOut()(f: fb, g: wideG)
    for j in 0..<5 {
        let mean = (0..<8).reduce(0) { $0 + fb[$1, j] } / 8
        #expect((0..<8).allSatisfy { abs(flat[$0, j] - mean) <= 1e-9 * maxAbs(fb) })
    }
}

@Test("Bad inputs to the baselines are refused with what is wrong")
func baselineBadInputs() throws {
    var accumulator = OLSAccumulator(featuresF: 2, featuresG: 3)
    #expect(throws: BaselineError.noSamples) { try accumulator.solve() }
    #expect(throws: BaselineError.self) { try accumulator.add(f: gaussian(4, 2, seed: 1), g: gaussian(5, 3, seed: 2)) }
    #expect(throws: BaselineError.self) { try accumulator.add(f: gaussian(4, 3, seed: 1), g: gaussian(4, 3, seed: 2)) }
    var g = gaussian(4, 3, seed: 3)
    g[2, 1] = .nan
    #expect(throws: BaselineError.nonFinite(operand: "g", row: 2, column: 1)) {
        try accumulator.add(f: gaussian(4, 2, seed: 1), g: g)
    }
    try accumulator.add(f: gaussian(4, 2, seed: 1), g: gaussian(4, 3, seed: 4))
    #expect(throws: BaselineError.invalidRidge(-1)) { try accumulator.solve(ridge: -1) }
    #expect(BaselineError.noSamples.description.contains("add at least one batch"))
}
