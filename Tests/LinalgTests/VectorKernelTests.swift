import Testing
import Linalg

// Each kernel against a plain Double loop over the same elements, on lengths that
// leave every possible tail (0…7 elements past the last full lane of eight).

private func values(_ count: Int, _ seed: Int) -> [Float] {
    (0..<count).map { Float(($0 * 37 + seed * 11) % 23) / 4 - 2.5 }
}

@Test(arguments: [0, 1, 7, 8, 9, 31, 64, 101])
func reductionsMatchAPlainLoop(count: Int) {
    let x = values(count + 5, 1)
    let range = 3..<(3 + count)
    let plain = range.map { Double(x[$0]) }
    let mean = count == 0 ? 0 : plain.reduce(0, +) / Double(count)
    #expect(abs(sum(x, range) - plain.reduce(0, +)) <= 1e-12)
    #expect(abs(sumOfSquares(x, range) - plain.map { $0 * $0 }.reduce(0, +)) <= 1e-11)
    #expect(abs(sumOfSquaredDeviations(x, range, from: mean) - plain.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)) <= 1e-11)
    let y = values(count, 2)
    let absolute = (0..<count).map { Double(abs(x[3 + $0] - y[$0])) }.reduce(0, +)
    #expect(abs(sumOfAbsoluteDifferences(x, range, y, 0..<count) - absolute) <= 1e-11)
}

@Test func stridedRunsVisitEveryRunInOrder() {
    // Channel 1 of 3 samples × (2 channels · 5 positions): elements 5..<10, 15..<20, 25..<30.
    let x = (0..<30).map { Double($0) }
    let runs = StridedRuns(start: 5, length: 5, stride: 10, count: 3)
    let members = [5, 6, 7, 8, 9, 15, 16, 17, 18, 19, 25, 26, 27, 28, 29].map(Double.init)
    #expect(sum(x, runs) == members.reduce(0, +))
    let mean = members.reduce(0, +) / 15
    #expect(abs(sumOfSquaredDeviations(x, runs, from: mean) - members.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)) < 1e-12)
    var y = x
    standardize(&y, runs, center: 1, scale: 2)
    for i in 0..<30 { #expect(y[i] == (members.contains(x[i]) ? (x[i] - 1) * 2 : x[i])) }
}

@Test func frobeniusNormAccumulatesInDouble() {
    // 2²⁴ + 16 ones: a Float running sum of the squares would stop at 2²⁴.
    let count = (1 << 24) + 16
    let a = Matrix<Float>(rows: 1, columns: count, repeating: 1)
    #expect(frobeniusNorm(a) == Float(Double(count).squareRoot()))
}

@Test(arguments: [5, 16, 29])
func blendRoundsEachProductThenTheSum(count: Int) {
    var w = values(count + 2, 3)
    let x = values(count, 4)
    let before = w
    let keep: Float = 0.97, eta: Float = 0.03
    let squares = blend(&w, 2..<(2 + count), keep: keep, eta: eta, with: x, 0..<count)
    #expect(w[0] == before[0] && w[1] == before[1])
    var expectedSquares = 0.0
    for i in 0..<count {
        let product1 = keep * before[2 + i], product2 = eta * x[i]
        #expect(w[2 + i] == product1 + product2)
        expectedSquares += Double(w[2 + i]) * Double(w[2 + i])
    }
    #expect(abs(squares - expectedSquares) <= 1e-12 * max(1, expectedSquares))
}

@Test func allFiniteFindsNaNAndInfinityAnywhere() {
    #expect(allFinite([Float]()))
    #expect(allFinite([Double](repeating: .greatestFiniteMagnitude, count: 19)))
    for position in [0, 7, 8, 18] {
        for bad in [Double.nan, .infinity, -.infinity] {
            var x = [Double](repeating: 1, count: 19)
            x[position] = bad
            #expect(!allFinite(x))
        }
    }
}

@Test func standardizeEachRunIsALayerNormPerRun() {
    // Two rows of 11 with one element between them that must stay as it is.
    var x = (0..<23).map { Double(($0 * 5) % 13) - 4 }
    let original = x
    standardizeEachRun(&x, StridedRuns(start: 0, length: 11, stride: 12, count: 2), epsilon: 1e-5)
    #expect(x[11] == original[11])
    for row in 0..<2 {
        let values = (0..<11).map { original[row * 12 + $0] }
        let mean = values.reduce(0, +) / 11
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 11
        for j in 0..<11 {
            #expect(abs(x[row * 12 + j] - (values[j] - mean) / (variance + 1e-5).squareRoot()) < 1e-12)
        }
    }
}

@Test func outOfPlaceStandardisationEqualsInPlace() {
    let x = (0..<40).map { Float(($0 * 7) % 17) / 3 - 2 }
    let runs = StridedRuns(start: 2, length: 9, stride: 12, count: 3)
    var inPlace = x
    standardize(&inPlace, runs, center: 0.5, scale: 1.5)
    var out = [Float](repeating: 42, count: 40)
    standardize(x, into: &out, runs, center: 0.5, scale: 1.5)
    let members = Set((0..<3).flatMap { run in (2 + run * 12)..<(11 + run * 12) })
    for i in 0..<40 { #expect(out[i] == (members.contains(i) ? inPlace[i] : 42)) }
    var rows = x
    standardizeEachRun(&rows, runs, epsilon: 1e-5)
    var rowsOut = x
    standardizeEachRun(x, into: &rowsOut, runs, epsilon: 1e-5)
    #expect(rowsOut == rows)
}

@Test func perRunStatisticsAreStandardizeEachRunsOwnBitForBit() {
    // Three runs of 19 (two SIMD widths and a tail) with gaps the kernels must not touch.
    let x = (0..<70).map { Float(($0 * 11) % 23) * 0.37 - 3.1 }
    let runs = StridedRuns(start: 3, length: 19, stride: 22, count: 3)
    var expected = x
    standardizeEachRun(&expected, runs, epsilon: 1e-5)
    let means = runSums(x, runs).map { $0 / 19 }
    let scales = runSquaredDeviations(x, runs, from: means).map { 1 / ($0 / 19 + 1e-5).squareRoot() }
    var out = x
    standardizeRuns(x, into: &out, runs, centers: means, scales: scales)
    var inPlace = x
    standardizeRuns(&inPlace, runs, centers: means, scales: scales)
    #expect(out.map(\.bitPattern) == expected.map(\.bitPattern))
    #expect(inPlace.map(\.bitPattern) == expected.map(\.bitPattern))
}

@Test func ensureShapeKeepsAMatchingBuffer() {
    var m = Matrix<Double>(rows: 2, columns: 3, storage: [1, 2, 3, 4, 5, 6])
    m.ensureShape(rows: 2, columns: 3)
    #expect(m.storage == [1, 2, 3, 4, 5, 6])
    m.ensureShape(rows: 3, columns: 1)
    #expect(m.rows == 3 && m.columns == 1 && m.storage == [0, 0, 0])
}
