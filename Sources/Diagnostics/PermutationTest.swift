import Cluster
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

/// Outcome of a permutation test: p = (1 + exceedances)/(1 + R).
///
/// Exceedances are the permuted statistics T_π ≥ T, ties included (within
/// `tieTolerance`, relative). Counting ties is what makes the p-value valid
/// (never below its nominal level under the null) when statistics can tie:
/// categorical operands, and above all degenerate ones. A constant operand
/// makes T and every T_π exactly 0, and the test must then say p = 1, never the
/// "significant" 1/(1 + R) a strict rule gives. R's energy counts ties
/// (`dcov.test`/`dcor.test`: `reps >= stat`, and p = 1 outright when dCor = 0);
/// dcor 0.7's `permutation_test` counts only T_π > T. On continuous data ties
/// have probability zero and both rules give the same p-value; this module uses
/// the tie-counting rule for every statistic, distance correlation included.
public struct PermutationResult: Sendable, Equatable {
    /// The observed statistic, computed by the same code path as the permuted ones.
    public let statistic: Double
    public let exceedances: Int
    public let permutations: Int
    public let seed: UInt64
    /// Permutations were drawn within strata (a test of independence given the strata).
    public let stratified: Bool
    public var pValue: Double { Double(1 + exceedances) / Double(1 + permutations) }

    /// Permuted statistics within this relative distance of the observed one count
    /// as ties: a permutation that maps the data onto an equivalent arrangement
    /// (relabelled classes) sums the same terms in another order.
    public static let tieTolerance = 1e-10

    /// `p_method` of summary.csv: `permutation:R` or `stratified-permutation:R`.
    public var methodLabel: String {
        (stratified ? "stratified-permutation:" : "permutation:") + "\(permutations)"
    }
}

/// Where the diagonal blocks of a block-diagonal permutation problem live in two
/// flat arrays: block b is the `size × size` row-major matrix at `offset`.
struct MatrixBlock: Sendable {
    let offset: Int
    let size: Int
}

/// Permutation null of a statistic of the block inner products
/// Tᵦ(π) = Σᵢⱼ Aᵦ[i, j]·Bᵦ[π(i), π(j)] of symmetric blocks (A needs its upper
/// triangle, B both triangles), with π permuting within each block: one block is
/// the ordinary test, one block per stratum the stratified test. One of A, B
/// must be centred within each block; then Tᵦ(π)/nᵦ² is the biased statistic of
/// (x, y permuted by π) in block b.
///
/// Permutation r uses its own generator `SplitMix64(seed:stream: r)` (blocks
/// permuted in order from it) and runs entirely on one thread, so the exceedance
/// count is identical for every thread count. No BLAS is called inside.
///
/// Over several ranks (`communicator`, every rank holding the same A and B) each
/// rank runs its share of the permutation indices and the counts are added up:
/// the same permutations, the same count, for any number of ranks.
///
/// - Returns: the observed statistic and the number of tie-inclusive exceedances.
func permutationTest(_ a: inout [Double], _ b: inout [Double], blocks: [MatrixBlock],
                     settings: PermutationSettings, threads: Int, communicator: any Communicator,
                     statistic: @escaping @Sendable ([Double]) -> Double)
    throws(CommunicatorError) -> (observed: Double, exceedances: Int) {
    let share = communicator.share(of: settings.permutations)
    var exceeded = [Int](repeating: 0, count: share.count)
    var observed = 0.0
    withShared(&a) { am in
        withShared(&b) { bm in
            let identity = blocks.map { block in
                permutedInnerProduct(am, bm, block: block, permutation: Array(0..<block.size))
            }
            observed = statistic(identity)
            let reference = observed
            withShared(&exceeded) { flags in
                Parallel.forEachChunk(share.count, threads: threads) { k in
                    let index = share.lowerBound + k
                    var generator = SplitMix64(seed: settings.seed, stream: index)
                    let sums = blocks.map { block in
                        permutedInnerProduct(am, bm, block: block, permutation: generator.permutation(block.size))
                    }
                    let t = statistic(sums)
                    let tolerance = PermutationResult.tieTolerance * max(abs(t), abs(reference))
                    flags[k] = t >= reference - tolerance ? 1 : 0
                }
            }
        }
    }
    let count = try communicator.allreduceSum(Double(exceeded.reduce(0, +)))
    return (observed, Int(count))
}

private func permutedInnerProduct(_ a: SharedBuffer<Double>, _ b: SharedBuffer<Double>, block: MatrixBlock,
                                  permutation: [Int]) -> Double {
    let n = block.size, base = block.offset
    var total = 0.0
    var permutation = permutation
    withShared(&permutation) { perm in
        // A and B are symmetric: the diagonal plus twice the strict upper triangle.
        for i in 0..<n {
            let rowA = base + i * n, rowB = base + perm[i] * n
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

/// Replaces the upper triangle of `buffer` by Kc = HKH and mirrors it onto the
/// lower one: the full centred matrix that permutation tests, bootstrap
/// resamples and strata read.
func centreFully(_ k: SymmetricKernel, _ buffer: inout [Double], threads: Int) {
    let nd = Double(k.n)
    let means = k.rowSums.map { $0 / nd }
    let grand = k.total / (nd * nd)
    transformUpperTriangle(&buffer, n: k.n, threads: threads, mirror: true) { i, j, v in
        v - means[i] - means[j] + grand
    }
}
