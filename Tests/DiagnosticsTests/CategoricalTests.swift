import Diagnostics
import Linalg
import SeededRandom
import Testing

private func labels(_ n: Int, levels: Int, seed: UInt64) -> [Int] {
    var g = SplitMix64(seed: seed)
    return (0..<n).map { _ in g.uniform(below: levels) }
}

/// Labels and a response that depends on them: class means plus noise.
private func labelledData(_ n: Int, seed: UInt64) -> ([Int], Matrix<Double>) {
    let classes = labels(n, levels: 3, seed: seed)
    var y = TestData.gaussian(rows: n, columns: 2, seed: seed + 1)
    for i in 0..<n { y[i, 0] += Double(classes[i]) * 2 }
    return (classes, y)
}

@Test("Labels: levels ascending, codes, counts and groups; from an n × 1 column of integral numbers")
func categoricalLabels() throws {
    let labels = CategoricalLabels([7, -2, 7, 3, -2, 7])
    #expect(labels.levels == [-2, 3, 7] && labels.codes == [2, 0, 2, 1, 0, 2] && labels.counts == [2, 1, 3])
    #expect(labels.groups == [[1, 4], [3], [0, 2, 5]] && labels.count == 6 && labels.levelCount == 3)
    #expect(labels.oneHot.storage == [0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1])
    let column = Matrix<Double>(rows: 6, columns: 1, storage: [7, -2, 7, 3, -2, 7])
    #expect(try CategoricalLabels(column) == labels)
    #expect(labels.selecting([1, 3]).levels == [-2, 3] && CategoricalLabels([4, 4]).isConstant)
    #expect(CategoricalLabels.detecting(column) == labels)
    #expect(CategoricalLabels.detecting(Matrix(rows: 4, columns: 1, storage: [0, 1, 2, 3])) == nil)   // one per level
    #expect(CategoricalLabels.detecting(Matrix(rows: 4, columns: 1, storage: [0, 1, 0, 1.5])) == nil)
    #expect(CategoricalLabels.detecting(TestData.gaussian(rows: 40, columns: 2, seed: 1)) == nil)
    #expect(CategoricalLabels.detecting(column, maxLevels: 2) == nil)
}

/// HSIC with the delta kernel k(a, b) = 1[a = b] (Song et al. 2012, §3), from
/// the definition with explicit n×n matrices.
@Test("Delta-kernel HSIC equals its definition")
func deltaKernelHSIC() throws {
    let n = 30
    let (classes, y) = labelledData(n, seed: 181)
    let k = classes.map { a in classes.map { b in a == b ? 1.0 : 0.0 } }
    let l = Reference.gaussian(y, sigma: 1.1)
    let r = try GaussianHSIC(bandwidthY: .fixed(1.1))(.categorical(CategoricalLabels(classes)), .continuous(y))
    #expect(r.kernelX == .delta(levels: 3) && r.bandwidthX == nil && r.p == 3)
    #expect(close(r.hsicBiased, Reference.hsicBiased(k, l), 1e-13))
    #expect(close(r.hsicUnbiased, Reference.hsicUnbiased(k, l), 1e-11))
    let normalized = Reference.hsicBiased(k, l) / (Reference.hsicBiased(k, k) * Reference.hsicBiased(l, l)).squareRoot()
    #expect(close(r.normalized, normalized, 1e-13))
    #expect(r.gamma.pValue.isFinite && r.gamma.pValue < 1e-3)           // the class shift is detected
}

/// Linear CKA of the full one-hot code, from its definition
/// ‖ZcᵀYc‖²/(‖ZcᵀZc‖‖YcᵀYc‖); and the delta kernel is the one-hot code's linear
/// kernel, so with two label operands normalised HSIC and linear CKA agree.
@Test("One-hot linear CKA equals its definition; two label operands: normalised HSIC = linear CKA")
func oneHotLinearCKA() throws {
    let n = 40
    let (classes, y) = labelledData(n, seed: 191)
    let z = CategoricalLabels(classes).oneHot
    func centred(_ m: Matrix<Double>) -> Matrix<Double> {
        var out = m
        for j in 0..<m.columns {
            let mean = (0..<m.rows).reduce(0) { $0 + m[$1, j] } / Double(m.rows)
            for i in 0..<m.rows { out[i, j] -= mean }
        }
        return out
    }
    let (zc, yc) = (centred(z), centred(y))
    let definition = frobeniusNorm(matmul(zc, yc, transposeA: true)) * frobeniusNorm(matmul(zc, yc, transposeA: true))
        / (frobeniusNorm(matmul(zc, zc, transposeA: true)) * frobeniusNorm(matmul(yc, yc, transposeA: true)))
    let cka = try LinearCKA()(.categorical(CategoricalLabels(classes)), .continuous(y))
    #expect(close(cka.cka, definition, 1e-13))

    let other = CategoricalLabels(labels(n, levels: 4, seed: 192).enumerated().map { $1 + (classes[$0] == 0 ? 4 : 0) })
    let both = (CategoricalLabels(classes), other)
    let hsic = try GaussianHSIC()(.categorical(both.0), .categorical(both.1))
    let linear = try LinearCKA()(.categorical(both.0), .categorical(both.1))
    #expect(close(hsic.normalized, linear.cka, 1e-12))
    let dcor = try DistanceCorrelation()(.categorical(both.0), .continuous(y))
    #expect(close(dcor.distanceCorrelation, try DistanceCorrelation()(z, y).distanceCorrelation, 1e-13))
}

/// Only equality of labels carries information: renumbering the classes by any
/// bijection changes no value, p-value or interval.
@Test("Relabelling the classes changes nothing")
func relabellingChangesNothing() throws {
    let n = 50
    let (classes, y) = labelledData(n, seed: 201)
    let renamed = classes.map { [17, -5, 3][$0] }
    let measures = DependenceMeasures(permutation: PermutationSettings(permutations: 49, seed: 2),
                                      bootstrap: BootstrapSettings(resamples: 30, seed: 3))
    let a = try measures(.categorical(CategoricalLabels(classes)), .continuous(y))
    let b = try measures(.categorical(CategoricalLabels(renamed)), .continuous(y))
    for (ea, eb) in zip(a.estimates, b.estimates) {
        #expect(close(ea.value, eb.value, 1e-12), "\(ea.measure.rawValue)")
        #expect(zip(ea.pValues, eb.pValues).allSatisfy { $0.value == $1.value })
        let (ia, ib) = (try #require(ea.interval), try #require(eb.interval))
        #expect(close(ia.low, ib.low, 1e-12) && close(ia.high, ib.high, 1e-12), "\(ea.measure.rawValue)")
    }
    // Treated as one continuous feature, the numbering does matter (issue 11's 0.422 vs 0.331).
    let asNumbers = { (values: [Int]) in Matrix<Double>(rows: n, columns: 1, storage: values.map(Double.init)) }
    let c = try GaussianHSIC()(asNumbers(classes), y), d = try GaussianHSIC()(asNumbers(renamed), y)
    #expect(abs(c.normalized - d.normalized) > 1e-3)
}
