import Testing
@testable import Linalg

@Test func gramUpperFillsOnlyTheUpperTriangle() {
    let x = Matrix<Double>(rows: 4, columns: 3, storage: (0..<12).map { Double($0) * 0.5 - 2 })
    let full = matmul(x, x, transposeB: true, alpha: 2)
    var c = Matrix<Double>(rows: 4, columns: 4, repeating: -7)
    gramUpper(x, into: &c, alpha: 2)
    for i in 0..<4 {
        for j in 0..<4 {
            if j >= i { #expect(abs(c[i, j] - full[i, j]) < 1e-12) } else { #expect(c[i, j] == -7) }
        }
    }
}
