import Diagnostics
import Dispatch
import Linalg
import SeededRandom

// The cost of bootstrap intervals (R = 200) next to the permutation test's
// (R = 200) and the plain estimate, per measure family, at n = 2000 and 5000,
// p = q = 512 (the diagnostics suite's shapes) and 64 channels for the
// cross-correlation. Warm calls, one reused workspace.

extension BenchmarkSuite {
    static let bootstrap = BenchmarkSuite(name: "bootstrap") {
        let p = 512, channels = 64, resamples = 200
        let workspace = KernelWorkspace()
        let permutation = PermutationSettings(permutations: resamples, seed: 0)
        let bootstrap = BootstrapSettings(resamples: resamples, seed: 0)
        var rows: [[String]] = []
        for n in [2000, 5000] {
            let x = seededMatrix(rows: n, columns: p, seed: 1), y = seededMatrix(rows: n, columns: p, seed: 2)
            let cx = seededMatrix(rows: n, columns: channels, seed: 3), cy = seededMatrix(rows: n, columns: channels, seed: 4)
            func row(_ family: String, plain: () throws -> Void, permuted: (() throws -> Void)?,
                     bootstrapped: () throws -> Void) throws {
                try plain()   // warm-up: grows the workspace
                let base = try wallSeconds(plain)
                let perm = try permuted.map { try wallSeconds($0) }
                let boot = try wallSeconds(bootstrapped)
                rows.append([family, "\(n)", format(base), perm.map(format) ?? "–", format(boot),
                             String(format: "%.1f", (boot - base) / Double(resamples) * 1000)])
            }
            try row("Gaussian HSIC (b, u, normalised)",
                    plain: { _ = try GaussianHSIC(maxSamples: n)(x, y, workspace: workspace) },
                    permuted: { _ = try GaussianHSIC(maxSamples: n, permutation: permutation)(x, y, workspace: workspace) },
                    bootstrapped: { _ = try GaussianHSIC(maxSamples: n, bootstrap: bootstrap)(x, y, workspace: workspace) })
            try row("distance correlation (V, U)",
                    plain: { _ = try DistanceCorrelation(maxSamples: n)(x, y, workspace: workspace) },
                    permuted: { _ = try DistanceCorrelation(maxSamples: n, permutation: permutation)(x, y, workspace: workspace) },
                    bootstrapped: { _ = try DistanceCorrelation(maxSamples: n, bootstrap: bootstrap)(x, y, workspace: workspace) })
            try row("linear CKA",
                    plain: { _ = try LinearCKA()(x, y) }, permuted: nil,
                    bootstrapped: { _ = try LinearCKA(bootstrap: bootstrap)(.continuous(x), .continuous(y),
                                                                            workspace: workspace) })
            try row("channel cross-correlation (64 × 64)",
                    plain: { _ = try ChannelCorrelation()(cx, channelsX: channels, cy, channelsY: channels) },
                    permuted: nil,
                    bootstrapped: { _ = try ChannelCorrelation(bootstrap: bootstrap)(cx, channelsX: channels,
                                                                                      cy, channelsY: channels) })
        }
        printTable(header: ["family", "n", "estimate s", "+ permutation 200 s", "+ bootstrap 200 s", "ms / resample"],
                   rows: rows)
        print("p = q = \(p); seconds are one warm call each; threads: \(defaultThreadCount); the bootstrap reweights "
              + "the full-sample kernels (26·n²·R GEMM flops per family), the permutation test streams both "
              + "n×n matrices once per permutation")
    }
}

private func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

private func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

private func seededMatrix(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
    var g = SplitMix64(seed: seed)
    return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in g.unitInterval() * 2 - 1 })
}
