import Testing
@testable import Linalg

private func maxAbs<T: LinalgScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> T {
    zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
}

private func sample(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
    var state = seed
    var values: [Double] = []
    for _ in 0..<(rows * columns) {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        values.append(Double(state >> 11) / Double(1 << 53) - 0.5)
    }
    return Matrix(rows: rows, columns: columns, storage: values)
}

@Test(arguments: [(5, 3), (3, 5), (4, 4), (50, 200)])
func thinSVDReconstructsRowMajorInput(shape: (Int, Int)) throws {
    let a = sample(rows: shape.0, columns: shape.1, seed: 7)
    let svd = try thinSVD(a)
    let k = min(shape.0, shape.1)
    #expect(svd.u.rows == shape.0 && svd.u.columns == k)
    #expect(svd.vt.rows == k && svd.vt.columns == shape.1)
    var us = svd.u
    for i in 0..<us.rows { for j in 0..<k { us[i, j] *= svd.s[j] } }
    #expect(maxAbs(matmul(us, svd.vt), a) < 1e-12)
    #expect(maxAbs(matmul(svd.u, svd.u, transposeA: true), .identity(k)) < 1e-12)
    #expect(zip(svd.s, svd.s.dropFirst()).allSatisfy { $0 >= $1 })
    let valuesOnly = try singularValues(a)
    #expect(zip(valuesOnly, svd.s).allSatisfy { abs($0 - $1) < 1e-12 })
}

@Test func floatPathMatchesDouble() throws {
    let a = sample(rows: 6, columns: 9, seed: 3)
    let sd = try singularValues(a)
    let sf = try singularValues(a.converted(to: Float.self))
    #expect(zip(sd, sf).allSatisfy { abs($0 - Double($1)) < 1e-5 })
}

@Test func eigenvaluesOfTheGramMatrixAreSquaredSingularValues() throws {
    let a = sample(rows: 7, columns: 4, seed: 11)
    let gram = matmul(a, a, transposeA: true)  // 4 × 4
    let (values, vectors) = try symmetricEigen(gram)
    let s = try singularValues(a)
    #expect(zip(values.sorted(by: >), s).allSatisfy { abs($0 - $1 * $1) < 1e-12 })
    for i in 0..<values.count {
        let v = Matrix(rows: 4, columns: 1, storage: Array(vectors.row(i)))
        let gv = matmul(gram, v)
        #expect(zip(gv.storage, v.storage).allSatisfy { abs($0 - values[i] * $1) < 1e-10 })
    }
}

@Test func nonFiniteInputIsRejected() {
    var a = sample(rows: 3, columns: 3, seed: 1)
    a[1, 1] = .nan
    #expect(throws: LinalgError.nonFinite(routine: "gesdd")) { try thinSVD(a) }
}
