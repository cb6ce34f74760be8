import Diagnostics
import Foundation
import Linalg

// Gaussian HSIC + gamma test and distance correlation at n ∈ {1000, 2000, 5000,
// 10000}, p = q = 512, against the GEMM floor 2·n²·(p+q) flops at the dgemm rate
// measured here; plus a 200-permutation HSIC test at n = 2000. Python figures are
// the measurements on this machine (causal-learn, hyppo, dcor).

extension BenchmarkSuite {
    static let diagnostics = BenchmarkSuite(name: "diagnostics") {
        let rate = measuredDgemmFlopsPerSecond()
        print(String(format: "dgemm: %.1f GFLOP/s (n = 2000 square, median of 3)", rate / 1e9))
        let p = 512
        let workspace = KernelWorkspace()
        var rows: [[String]] = []
        func add(_ measure: String, _ n: Int, _ seconds: Double, first: Double? = nil, floor: Double?, python: String) {
            rows.append([measure, "\(n)", String(format: "%.3f", seconds),
                         first.map { String(format: "%.3f", $0) } ?? "–",
                         floor.map { String(format: "%.3f", $0) } ?? "–",
                         floor.map { String(format: "%.2f", seconds / $0) } ?? "–",
                         String(format: "%.0f", peakResidentMiB()), python])
        }
        for n in [1000, 2000, 5000, 10000] {
            let x = benchmarkMatrix(rows: n, columns: p, seed: 1)
            let y = benchmarkMatrix(rows: n, columns: p, seed: 2)
            let floor = 2 * Double(n * n) * Double(2 * p) / rate
            let hsic = GaussianHSIC(maxSamples: n)
            let hsicFirst = try seconds { _ = try hsic(x, y, workspace: workspace) }
            let hsicSeconds = try medianSeconds(repeats: n >= 5000 ? 1 : 3, warmUp: false) {
                _ = try hsic(x, y, workspace: workspace)
            }
            add("Gaussian HSIC + gamma test", n, hsicSeconds, first: hsicFirst, floor: floor,
                python: n == 2000 ? "causal-learn KCI gamma 0.5 s; hyppo chi² 0.32 s" : "")
            let dcor = DistanceCorrelation(maxSamples: n)
            let dcorFirst = try seconds { _ = try dcor(x, y, workspace: workspace) }
            let dcorSeconds = try medianSeconds(repeats: n >= 5000 ? 1 : 3, warmUp: false) {
                _ = try dcor(x, y, workspace: workspace)
            }
            add("distance correlation (V and U)", n, dcorSeconds, first: dcorFirst, floor: floor,
                python: n == 2000 ? "dcor 5.6 s" : "")
        }
        let n = 2000
        let x = benchmarkMatrix(rows: n, columns: p, seed: 3), y = benchmarkMatrix(rows: n, columns: p, seed: 4)
        let permuted = GaussianHSIC(maxSamples: n, permutation: PermutationSettings(permutations: 200, seed: 0))
        let permSeconds = try medianSeconds(repeats: 1, warmUp: false) { _ = try permuted(x, y, workspace: workspace) }
        add("HSIC permutation test, R = 200", n, permSeconds, floor: nil,
            python: "hyppo 159 s / 1000 perms (≈ 32 s / 200)")
        let dcorPerm = DistanceCorrelation(maxSamples: n, permutation: PermutationSettings(permutations: 200, seed: 0))
        let dcorPermSeconds = try medianSeconds(repeats: 1, warmUp: false) { _ = try dcorPerm(x, y, workspace: workspace) }
        add("dCor permutation test, R = 200", n, dcorPermSeconds, floor: nil, python: "dcor ≈ 30 s / 200")
        printTable(header: ["measure", "n", "seconds", "first call s", "GEMM floor s", "× floor", "peak MiB", "Python reference"],
                   rows: rows)
        print("seconds: median of warm calls (workspace reused); first call: the first at that n, which "
              + "also grows the workspace (fresh pages are slow to touch here, NOTES.md)")
        print("p = q = \(p); GEMM floor = 2·n²·(p+q) flops at the measured dgemm rate; peak MiB is the "
              + "process high-water mark so far (VmHWM); threads: \(defaultThreadCount)")
    }
}

/// Uniform(−1, 1) entries from a 64-bit LCG: cheap, seeded, no allocation churn.
private func benchmarkMatrix(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
    var values = [Double](repeating: 0, count: rows * columns)
    for i in values.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        values[i] = Double(state >> 11) / Double(1 << 52) - 1
    }
    return Matrix(rows: rows, columns: columns, storage: values)
}

/// FLOP/s of a 2000×2000×2000 dgemm into a reused buffer.
private func measuredDgemmFlopsPerSecond() -> Double {
    let n = 2000
    let a = benchmarkMatrix(rows: n, columns: n, seed: 5), b = benchmarkMatrix(rows: n, columns: n, seed: 6)
    var c = Matrix<Double>(rows: n, columns: n)
    let seconds = medianSeconds(repeats: 3) { matmulAccumulate(a, b, into: &c) }
    return 2 * Double(n) * Double(n) * Double(n) / seconds
}
