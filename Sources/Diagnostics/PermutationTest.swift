import SeededRandom
/// Settings of a seeded permutation test.
public struct PermutationSettings: Sendable, Equatable {
    /// R, the number of random permutations of y's rows.
    public let permutations: Int
    /// Seed of the permutation streams; the p-value is a function of (data, R, seed) only.
    public let seed: UInt64

    public init(permutations: Int = 1000, seed: UInt64 = 0) {
        self.permutations = permutations
        self.seed = seed
    }
}

/// Which permuted statistics count against the observed one.
public enum ExceedanceRule: String, Sendable {
    /// #{T_π ≥ T} (the HSIC convention of the fixtures).
    case greaterOrEqual = "ge"
    /// #{T_π > T} (dcor's `permutation_test` convention).
    case strictlyGreater = "gt"
}

/// Outcome of a permutation test: p = (1 + exceedances)/(1 + R).
public struct PermutationResult: Sendable, Equatable {
    /// The observed statistic, computed by the same code path as the permuted ones.
    public let statistic: Double
    public let exceedances: Int
    public let permutations: Int
    public let seed: UInt64
    public let rule: ExceedanceRule
    public var pValue: Double { Double(1 + exceedances) / Double(1 + permutations) }
}

/// Permutation null of T(π) = Σᵢⱼ Aᵢⱼ·B_{π(i)π(j)} for symmetric n×n matrices:
/// A needs its upper triangle, B both triangles (rows are gathered by π).
/// One of the two must be centred; then T(π)/n² is the biased statistic of
/// (x, y permuted by π).
///
/// Permutation r uses its own generator `SplitMix64(seed:stream: r)` and runs
/// entirely on one thread, so the exceedance count is identical for every
/// thread count. No BLAS is called inside, so OpenBLAS's threads and these
/// workers never compete for the cores.
func permutationTest(_ a: inout [Double], _ b: inout [Double], n: Int, settings: PermutationSettings,
                     rule: ExceedanceRule, scale: Double, threads: Int) -> PermutationResult {
    let r = settings.permutations
    var exceeded = [Int](repeating: 0, count: r)
    var observed = 0.0
    withShared(&a) { am in
        withShared(&b) { bm in
            var identity = Array(0..<n)
            observed = permutedInnerProduct(am, bm, n: n, permutation: &identity)
            let reference = observed
            withShared(&exceeded) { flags in
                Parallel.forEachChunk(r, threads: threads) { index in
                    var generator = SplitMix64(seed: settings.seed, stream: index)
                    var permutation = generator.permutation(n)
                    let t = permutedInnerProduct(am, bm, n: n, permutation: &permutation)
                    let exceeds = rule == .greaterOrEqual ? t >= reference : t > reference
                    flags[index] = exceeds ? 1 : 0
                }
            }
        }
    }
    return PermutationResult(statistic: observed * scale, exceedances: exceeded.reduce(0, +),
                             permutations: r, seed: settings.seed, rule: rule)
}

private func permutedInnerProduct(_ a: SharedBuffer<Double>, _ b: SharedBuffer<Double>, n: Int,
                                  permutation: inout [Int]) -> Double {
    var total = 0.0
    withShared(&permutation) { perm in
        // A and B are symmetric: the diagonal plus twice the strict upper triangle.
        for i in 0..<n {
            let rowA = i * n, rowB = perm[i] * n
            var sum = 0.0
            for j in (i + 1)..<max(i + 1, n) { sum += a[rowA + j] * b[rowB + perm[j]] }
            total += 2 * sum + a[rowA + i] * b[rowB + perm[i]]
        }
    }
    return total
}

/// Applies `transform(i, j, value)` to the upper triangle of the n×n `m` and,
/// when `mirror` is set, copies the result onto the lower triangle.
func transformUpperTriangle(_ m: inout [Double], n: Int, threads: Int, mirror: Bool,
                            _ transform: @escaping @Sendable (Int, Int, Double) -> Double) {
    let bounds = Parallel.triangleRowBlocks(n)
    withShared(&m) { s in
        Parallel.forEachChunk(bounds.count - 1, threads: threads) { c in
            for i in bounds[c]..<bounds[c + 1] {
                for j in i..<n {
                    let v = transform(i, j, s[i * n + j])
                    s[i * n + j] = v
                    if mirror { s[j * n + i] = v }
                }
            }
        }
    }
}

/// Prepares the workspace for `permutationTest`: K's upper triangle replaced by
/// Kc = HKH, L mirrored onto both triangles.
func preparePermutationBuffers(_ k: SymmetricKernel, _ kBuffer: inout [Double],
                               _ l: SymmetricKernel, _ lBuffer: inout [Double], threads: Int) {
    let nd = Double(k.n)
    let means = k.rowSums.map { $0 / nd }
    let grand = k.total / (nd * nd)
    transformUpperTriangle(&kBuffer, n: k.n, threads: threads, mirror: false) { i, j, v in
        v - means[i] - means[j] + grand
    }
    transformUpperTriangle(&lBuffer, n: l.n, threads: threads, mirror: true) { _, _, v in v }
}
