import Diagnostics
import Linalg
import SeededRandom
import Testing

/// The shuffled-pairs control keeps both marginals and destroys the pairing: its
/// p-values are uniform over seeds and its values show each estimator's floor.
@Test("Null control: a seeded shuffle of y's rows; dependence gone, values at the estimators' floor")
func shuffledPairsControl() throws {
    let n = 100
    let x = TestData.gaussian(rows: n, columns: 3, seed: 231)
    let y = TestData.dependent(on: x, columns: 2, noise: 0.3, seed: 232)
    let order = NullControl.order(count: n, seed: 7)
    #expect(order.sorted() == Array(0..<n) && order != Array(0..<n))
    #expect(NullControl.order(count: n, seed: 7) == order && NullControl.order(count: n, seed: 8) != order)
    var permutationStream = SplitMix64(seed: 7, stream: 0)
    #expect(order != permutationStream.permutation(n))   // not the permutation test's first permutation
    #expect(NullControl.shuffled(.continuous(y), seed: 7) == .continuous(y.selectingRows(order)))
    let labels = CategoricalLabels((0..<n).map { $0 % 3 })
    #expect(NullControl.shuffled(.categorical(labels), seed: 7) == .categorical(labels.selecting(order)))

    let settings = PermutationSettings(permutations: 99, seed: 1)
    let measures = DependenceMeasures(permutation: settings)
    let raw = try measures(.continuous(x), .continuous(y))
    var small = 0
    for seed in UInt64(0)..<20 {
        let null = try measures(.continuous(x), NullControl.shuffled(.continuous(y), seed: seed))
        let p = try #require(null.estimate(.hsicBiased)?.pValues.first { $0.method == .permutation(99) }).value
        if p < 0.05 { small += 1 }
        for measure in [Measure.hsicNormalized, .distanceCorrelation, .ckaLinear] {
            #expect(try #require(null.estimate(measure)).value < 0.5 * (try #require(raw.estimate(measure)).value))
        }
        #expect(try #require(null.estimate(.distanceCorrelation)).value > 0)   // the V-statistic's floor
    }
    #expect(small <= 4, "\(small) of 20 null-control p-values below 0.05")
}
