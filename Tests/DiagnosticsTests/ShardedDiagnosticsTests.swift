import Cluster
import Diagnostics
import Foundation
import Linalg
import Testing

// The kernel statistics from feature blocks: each rank passes its columns of x
// and y, the ranks add up their Gram matrices, and every rank must get the
// single-process report — values and intervals within 1e-12 relative,
// permutation p-values identical (permutation r is drawn from stream r whichever
// rank runs it). The gamma p-value of a strong dependence is a far tail (1e-46
// here), whose relative error is the statistic's times |ln p| (d ln p ≈ −x·dx/x for
// the tail of Gamma at x ≫ α): it is held to 1e-12·max(1, |ln p|).

private let tolerance = 1e-12

/// Rank `rank`'s contiguous share of the columns of `m`.
private func block(_ m: Matrix<Double>, of comm: any Communicator) -> Matrix<Double> {
    m.columns(comm.share(of: m.columns))
}

/// The worst relative difference between two reports (a gamma p-value's divided by
/// |ln p|), after checking that they hold
/// the same measures, p-value methods and interval methods.
private func worstDifference(_ a: DependenceReport, _ b: DependenceReport) -> Double {
    var worst = 0.0
    func compare(_ x: Double, _ y: Double, _ what: String, conditioning: Double = 1) {
        if x.isNaN || y.isNaN {
            #expect(x.isNaN && y.isNaN, "\(what): \(x) against \(y)")
            return
        }
        let difference = x == y ? 0 : abs(x - y) / max(abs(x), abs(y)) / conditioning
        worst = max(worst, difference)
        #expect(difference <= tolerance, "\(what): \(x) against \(y)")
    }
    for (sharded, single) in zip(a.estimates + a.withinStrata, b.estimates + b.withinStrata) {
        let name = sharded.measure.rawValue
        #expect(sharded.measure == single.measure && sharded.n == single.n)
        compare(sharded.value, single.value, name)
        #expect(sharded.pValues.map(\.method) == single.pValues.map(\.method), "\(name) p-value methods")
        for (p, q) in zip(sharded.pValues, single.pValues) {
            if case .gamma = p.method {
                compare(p.value, q.value, "\(name) gamma p", conditioning: max(1, abs(log(q.value))))
            } else {
                #expect(p.value.bitPattern == q.value.bitPattern, "\(name) \(p.method.label): \(p.value) against \(q.value)")
            }
        }
        #expect((sharded.interval == nil) == (single.interval == nil), "\(name) interval")
        if let i = sharded.interval, let j = single.interval {
            compare(i.low, j.low, "\(name) interval low")
            compare(i.high, j.high, "\(name) interval high")
        }
    }
    #expect(a.estimates.count == b.estimates.count && a.withinStrata.count == b.withinStrata.count)
    #expect(a.warnings.map(\.kind) == b.warnings.map(\.kind))
    return worst
}

/// x: 120 samples × 37 features (channels of 1), y = tanh(x·A) + noise with 11 features;
/// strata of 3 classes; permutation test and bootstrap on.
private struct Problem: Sendable {
    let x = TestData.gaussian(rows: 120, columns: 37, seed: 5)
    let y: Matrix<Double>
    let strata: CategoricalLabels
    let measures = DependenceMeasures(maxSamples: 100, permutation: PermutationSettings(permutations: 60, seed: 3),
                                      bootstrap: BootstrapSettings(resamples: 25, seed: 4), threads: 2)

    init() throws {
        y = TestData.dependent(on: x, columns: 11, noise: 0.5, seed: 8)
        strata = try CategoricalLabels(Matrix(rows: 120, columns: 1, storage: (0..<120).map { Double($0 % 3) }))
    }

    func report(on comm: any Communicator) throws -> DependenceReport {
        try measures(.continuous(block(x, of: comm)), .continuous(block(y, of: comm)),
                     channelsX: .continuous(block(x, of: comm)), channelsY: .continuous(block(y, of: comm)),
                     strata: strata, communicator: comm)
    }
}

@Test(arguments: [1, 2, 3, 5])
func everyMeasureFromFeatureBlocksMatchesOneProcess(ranks: Int) throws {
    let problem = try Problem()
    let single = try problem.report(on: SingleProcess())
    let reports = try LocalCluster.run(ranks: ranks) { try problem.report(on: $0) }
    for (rank, report) in reports.enumerated() {
        let worst = worstDifference(report, single)
        if rank == 0 {
            print("dependence measures on \(ranks) ranks: largest relative difference \(worst) (gamma p: over |ln p|)")
        }
    }
    // The permutation and bootstrap rows are there to compare.
    #expect(single.estimate(.hsicBiased)?.pValues.count == 2 && single.estimate(.distanceCorrelation)?.interval != nil)
    #expect(!single.withinStrata.isEmpty)
}

@Test(arguments: [2, 3])
func labelsStayWholeOnEveryRank(ranks: Int) throws {
    let x = TestData.gaussian(rows: 90, columns: 10, seed: 1)
    let labels = try CategoricalLabels(Matrix(rows: 90, columns: 1, storage: (0..<90).map { Double(($0 * 7) % 4) }))
    let measures = DependenceMeasures(permutation: PermutationSettings(permutations: 40, seed: 1),
                                      bootstrap: BootstrapSettings(resamples: 20, seed: 2), threads: 1)
    let single = try measures(.continuous(x), .categorical(labels))
    let reports = try LocalCluster.run(ranks: ranks) { comm in
        try measures(.continuous(block(x, of: comm)), .categorical(labels), communicator: comm)
    }
    for report in reports { _ = worstDifference(report, single) }
}

@Test func aRankWithoutColumnsOfAnOperandAddsNothing() throws {
    // y has 2 columns over 3 ranks: rank 0 holds none of them.
    let x = TestData.gaussian(rows: 60, columns: 6, seed: 11)
    let y = TestData.dependent(on: x, columns: 2, noise: 0.3, seed: 12)
    let hsic = GaussianHSIC(permutation: PermutationSettings(permutations: 30, seed: 9), threads: 1)
    let single = try hsic(.continuous(x), .continuous(y))
    let results = try LocalCluster.run(ranks: 3) { comm in
        try hsic(.continuous(block(x, of: comm)), .continuous(block(y, of: comm)), communicator: comm)
    }
    for result in results {
        #expect(close(result.hsicBiased, single.hsicBiased, tolerance))
        #expect(close(result.gamma.pValue, single.gamma.pValue, tolerance))
        #expect(result.permutation?.exceedances == single.permutation?.exceedances)
        #expect(result.p == 6 && result.q == 2)
    }
}

@Test func theMedianHeuristicBeyondAThousandRowsIsTheSameOnEveryRank() throws {
    let x = TestData.gaussian(rows: 1300, columns: 9, seed: 21)
    let heuristic = MedianHeuristic(threads: 1)
    let single = try heuristic.choose(x)
    let sigmas = try LocalCluster.run(ranks: 4) { comm in
        try heuristic.choose(block(x, of: comm), communicator: comm)
    }
    #expect(single.rowsUsed == 1000)
    for choice in sigmas {
        #expect(close(choice.sigma, single.sigma, tolerance) && choice.pairsUsed == single.pairsUsed)
    }
}

@Test func aNonFiniteValueOnOneRankStopsEveryRankAndIsNamedByItsFeature() throws {
    var x = TestData.gaussian(rows: 30, columns: 9, seed: 2)
    x[4, 7] = .infinity   // feature 7: rank 2 of 3 (columns 6..<9)
    let y = TestData.gaussian(rows: 30, columns: 4, seed: 3)
    let bad = x
    let outcomes = try LocalCluster.outcomes(ranks: 3) { comm in
        try DistanceCorrelation(threads: 1)(.continuous(block(bad, of: comm)), .continuous(block(y, of: comm)),
                                            communicator: comm)
    }
    #expect(throws: DiagnosticsError.nonFinite(operand: "x", sample: 4, feature: 7, value: .infinity)) {
        try outcomes[2].get()
    }
    for outcome in outcomes.prefix(2) {
        #expect(throws: RemoteFailure.self) { try outcome.get() }
    }
}

@Test func blocksOfDifferentSampleCountsAreRefusedOnEveryRank() throws {
    let outcomes = try LocalCluster.outcomes(ranks: 2) { comm in
        let rows = comm.rank == 0 ? 20 : 21
        let x = TestData.gaussian(rows: rows, columns: 3, seed: 1), y = TestData.gaussian(rows: rows, columns: 2, seed: 2)
        return try LinearCKA(threads: 1)(.continuous(x), .continuous(y), communicator: comm)
    }
    for outcome in outcomes {
        #expect(throws: DiagnosticsError.self) { try outcome.get() }
    }
}
