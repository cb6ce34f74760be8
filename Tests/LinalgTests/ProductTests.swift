import Testing
@testable import Linalg

/// `op(a)·op(b)` by the definition, in Double.
private func naiveProduct(_ a: Matrix<Double>, _ b: Matrix<Double>, transposeA: Bool, transposeB: Bool) -> Matrix<Double> {
    let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
    let n = transposeB ? b.rows : b.columns
    var c = Matrix<Double>(rows: m, columns: n)
    for i in 0..<m {
        for j in 0..<n {
            for l in 0..<k {
                c[i, j] += (transposeA ? a[l, i] : a[i, l]) * (transposeB ? b[j, l] : b[l, j])
            }
        }
    }
    return c
}

private func ramp(_ rows: Int, _ columns: Int, _ offset: Double) -> Matrix<Double> {
    Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { Double($0 % 7) - 3 + offset })
}

@Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
func matmulMatchesTheDefinition(transpose: (Bool, Bool)) {
    let a = transpose.0 ? ramp(4, 3, 0.5) : ramp(3, 4, 0.5)
    let b = transpose.1 ? ramp(5, 4, -0.25) : ramp(4, 5, -0.25)
    let c = matmul(a, b, transposeA: transpose.0, transposeB: transpose.1, alpha: 2)
    let expected = naiveProduct(a, b, transposeA: transpose.0, transposeB: transpose.1)
    #expect(c.rows == 3 && c.columns == 5)
    #expect(zip(c.storage, expected.storage).allSatisfy { abs($0 - 2 * $1) < 1e-12 })
}

@Test func blockProductsReadAndWriteOnlyTheirBlocks() {
    // c[1..<3, 2..<5] ← 1·(aᵀ[.., 1..<3])ᵀ·b[.., 0..<3] + 0.5·c[1..<3, 2..<5], the rest of c untouched.
    let a = ramp(4, 6, 0.5), b = ramp(4, 5, -1)
    var c = Matrix<Double>(rows: 4, columns: 6, repeating: 8)
    matmulAccumulate(a.block(columns: 1..<3), b.block(columns: 0..<3), into: &c, rows: 1..<3, columns: 2..<5,
                     transposeA: true, beta: 0.5)
    let full = naiveProduct(a, b, transposeA: true, transposeB: false)  // 6 × 5
    for i in 0..<4 {
        for j in 0..<6 {
            if (1..<3).contains(i) && (2..<5).contains(j) {
                #expect(abs(c[i, j] - (full[i, j - 2] + 4)) < 1e-12)
            } else {
                #expect(c[i, j] == 8)
            }
        }
    }
}

@Test func anEmptyInnerDimensionScalesTheBlockByBeta() {
    let a = Matrix<Double>(rows: 2, columns: 0), b = Matrix<Double>(rows: 0, columns: 3)
    var c = Matrix<Double>(rows: 2, columns: 3, repeating: 4)
    matmulAccumulate(a, b, into: &c, beta: 0.5)
    #expect(c.storage == [Double](repeating: 2, count: 6))
    #expect(matmul(a, b).storage == [Double](repeating: 0, count: 6))
}

@Test func columnBlocksRoundTrip() {
    let a = ramp(3, 5, 0)
    let middle = a.columns(1..<4)
    #expect(middle.rows == 3 && middle.columns == 3)
    #expect(middle.storage == [a[0, 1], a[0, 2], a[0, 3], a[1, 1], a[1, 2], a[1, 3], a[2, 1], a[2, 2], a[2, 3]])
    var b = Matrix<Double>(rows: 3, columns: 5)
    b.replaceColumns(0..<1, with: a.columns(0..<1))
    b.replaceColumns(1..<4, with: middle)
    b.replaceColumns(4..<5, with: a.columns(4..<5))
    #expect(b == a)
}

@Test func singleThreadSectionsNestAndKeepTheConfiguredCount() {
    // Other tests may hold sections of their own meanwhile: inside any section OpenBLAS
    // runs one thread, and the configured count is what every section hands over.
    let before = BLAS.threadCount
    defer { BLAS.threadCount = before }
    BLAS.threadCount = 2
    BLAS.withSingleThread { outer in
        #expect(outer == 2)
        #expect(BLAS.activeThreadCount == 1)
        BLAS.withSingleThread { inner in
            #expect(inner == 2)
            #expect(BLAS.activeThreadCount == 1)
        }
        #expect(BLAS.activeThreadCount == 1)
        // Set inside a section, a count waits for the last section to end.
        BLAS.threadCount = 3
        #expect(BLAS.threadCount == 3 && BLAS.activeThreadCount == 1)
    }
    #expect(BLAS.threadCount == 3)
}
