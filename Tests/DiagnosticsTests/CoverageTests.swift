import Diagnostics
import Foundation
import Linalg
import SeededRandom
import Testing

/// The design of issue 13: x ~ N(0, I₅), y = tanh(x·A) + 0.8·e, e ~ N(0, I₄).
enum CoverageDesign {
    static let a = Matrix<Double>(rows: 5, columns: 4, storage: [
        0.8, -0.5, 0.3, 0.0,
        0.2, 0.9, -0.4, 0.5,
        -0.6, 0.1, 0.7, -0.3,
        0.4, -0.2, 0.1, 0.8,
        0.0, 0.6, -0.5, -0.7,
    ])

    static func sample(_ n: Int, seed: UInt64) -> (x: Matrix<Double>, y: Matrix<Double>) {
        var g = SplitMix64(seed: seed)
        let x = Matrix(rows: n, columns: 5, storage: (0..<(n * 5)).map { _ in g.standardNormal() })
        var y = matmul(x, a)
        for k in y.storage.indices { y.storage[k] = tanh(y.storage[k]) + 0.8 * g.standardNormal() }
        return (x, y)
    }

    /// Population values, computed once with independent NumPy code (not this
    /// module): the kernel measures from U-statistics (unbiased) averaged over
    /// three samples of 8000 with σ the population median distance (4·10⁶ pairs:
    /// σx = 2.9500, σy = 2.6982), dCor from √(dCov²ᵤ/√(dVar²ᵤ·dVar²ᵤ)); linear CKA
    /// and the channel correlations from 4·10⁶ samples. Sampling error of these
    /// values: ≤ 2·10⁻³ (spread over the three samples), a tenth of the standard
    /// error at n = 300. The script:
    /// ```
    /// rng = np.random.default_rng(20240613); x = rng.standard_normal((n, 5))
    /// y = np.tanh(x @ A) + 0.8 * rng.standard_normal((n, 4))
    /// HSIC_u = (t1 + sk·sl/((n−1)(n−2)) − 2/(n−2)·Σ kᵢ.lᵢ.)/(n(n−3)) on zero-diagonal kernels
    /// CKA = ‖XcᵀYc‖²/(‖XcᵀXc‖‖YcᵀYc‖);  r = np.corrcoef(x.T, y.T)[:5, 5:]
    /// ```
    static let population: [Measure: Double] = [
        .hsicBiased: 0.0065183331309415365,
        .hsicUnbiased: 0.0065183331309415365,
        .hsicNormalized: 0.3267242353367839,
        .ckaLinear: 0.32391891879759976,
        .distanceCorrelation: 0.5748380116764985,
        .distanceCorrelationU2: 0.3304418514639064,
        .crosscorrMeanAbs: 0.23214240525839763,
        .crosscorrMaxAbs: 0.45797437992198187,
        .crosscorrRMS: 0.27247425941236975,
    ]
}

/// 40 replicates of n = 300, 200 resamples each, nominal 95 %: every measure's
/// basic bootstrap interval must cover the population value in at least 34 of
/// 40 replicates (85 %). Set DIAGNOSTICS_ERROR_REPORT to print the counts.
@Test("Bootstrap intervals hold their coverage for every measure (40 replicates of n = 300)")
func bootstrapCoverage() throws {
    var covered = [Measure: Int]()
    let replicates = 40
    let workspace = KernelWorkspace()
    for replicate in 0..<replicates {
        let (x, y) = CoverageDesign.sample(300, seed: UInt64(10_000 + replicate))
        let report = try DependenceMeasures(bootstrap: BootstrapSettings(resamples: 200, seed: UInt64(replicate)),
                                            threads: 2)(.continuous(x), .continuous(y), workspace: workspace)
        for estimate in report.estimates {
            let truth = try #require(CoverageDesign.population[estimate.measure])
            let interval = try #require(estimate.interval, "\(estimate.measure.rawValue) has no interval")
            if interval.contains(truth) { covered[estimate.measure, default: 0] += 1 }
        }
    }
    for measure in Measure.allCases {
        let count = covered[measure] ?? 0
        #expect(count >= 34, "\(measure.rawValue): \(count) of \(replicates) intervals cover the population value")
    }
    if ProcessInfo.processInfo.environment["DIAGNOSTICS_ERROR_REPORT"] != nil {
        print("coverage of 40: " + Measure.allCases.map { "\($0.rawValue)=\(covered[$0] ?? 0)" }.joined(separator: " "))
    }
}
