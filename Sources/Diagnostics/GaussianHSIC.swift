import Linalg

/// HSIC with Gaussian kernels k(x, x′) = exp(−‖x − x′‖²/(2σ²)) (Gretton et al.
/// 2005, 2008): biased and unbiased estimators, their normalised forms (RBF CKA),
/// the gamma-approximation test and, optionally, a permutation test.
/// ```
/// HSIC_b = Σ Kc∘Lc / n²                              Kc = HKH, Lc = HLH
/// HSIC_u = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3))
/// CKA    = HSIC_b(K, L) / √(HSIC_b(K, K)·HSIC_b(L, L))   (unbiased CKA: HSIC_u)
/// ```
/// K̃, L̃ are K, L with zeroed diagonal (Song et al. 2012).
///
/// Properties: HSIC_b ≥ 0; CKA(x, x) = 1; every value is invariant under a joint
/// permutation of the rows of x and y; HSIC_u is unbiased and can be negative.
///
/// Settings go in `init`, data in `callAsFunction`; nothing is mutated.
/// - Complexity: n²(p + q) flops (two `syrk`), O(n²) further work, 2n² doubles of
///   memory in the workspace; a permutation test adds R·n² multiply-adds.
public struct GaussianHSIC: Sendable {
    public var bandwidthX: Bandwidth
    public var bandwidthY: Bandwidth
    /// Exact kernels use at most this many samples (evenly strided subsample).
    public var maxSamples: Int
    /// A permutation test on top of the gamma test, or none.
    public var permutation: PermutationSettings?
    public var threads: Int

    public init(bandwidthX: Bandwidth = .medianHeuristic, bandwidthY: Bandwidth = .medianHeuristic,
                maxSamples: Int = 5000, permutation: PermutationSettings? = nil,
                threads: Int = defaultThreadCount) {
        self.bandwidthX = bandwidthX
        self.bandwidthY = bandwidthY
        self.maxSamples = maxSamples
        self.permutation = permutation
        self.threads = threads
    }

    /// The gamma test needs n ≥ 6 ((n−4)(n−5) in its variance).
    public static let minimumSamples = 6

    /// - Parameters: `x` n×p, `y` n×q, rows are samples.
    /// - Throws: `DiagnosticsError` on mismatched rows, non-finite values,
    ///   fewer than 6 samples (after subsampling), or a degenerate bandwidth.
    public func callAsFunction(_ x: Matrix<Double>, _ y: Matrix<Double>,
                               workspace: KernelWorkspace = KernelWorkspace()) throws -> GaussianHSICResult {
        let subsample = try InputValidation.kernelSubsample(
            x, y, statistic: "Gaussian HSIC with the gamma test", name: "Gaussian HSIC",
            minimumSamples: Self.minimumSamples, maxSamples: maxSamples, threads: threads, permutation: permutation)
        let xs = subsample.apply(x), ys = subsample.apply(y)
        // Bandwidths that need their own pass are chosen first: the median
        // heuristic uses `workspace.second` as scratch.
        let presetX = try reusesDistances(bandwidthX, xs) ? nil
            : bandwidthX.resolve(xs, operand: "x", threads: threads, workspace: workspace)
        let presetY = try reusesDistances(bandwidthY, ys) ? nil
            : bandwidthY.resolve(ys, operand: "y", threads: threads, workspace: workspace)
        let (sx, k) = try gaussianKernel(xs, bandwidth: presetX, operand: "x", into: &workspace.first)
        let (sy, l) = try gaussianKernel(ys, bandwidth: presetY, operand: "y", into: &workspace.second)
        let sums = centredProducts(k, &workspace.first, l, &workspace.second, threads: threads)
        let n = Double(subsample.used)
        let vScale = 1 / (n * n), uScale = 1 / (n * (n - 3))

        var permutationResult: PermutationResult?
        if let permutation {
            preparePermutationBuffers(k, &workspace.first, l, &workspace.second, threads: threads)
            permutationResult = permutationTest(&workspace.first, &workspace.second, n: k.n,
                                                settings: permutation, rule: .greaterOrEqual,
                                                scale: vScale, threads: threads)
        }
        return GaussianHSICResult(
            n: subsample.used, p: x.columns, q: y.columns, subsample: subsample,
            bandwidthX: sx, bandwidthY: sy,
            hsicBiased: sums.vKL * vScale, hsicUnbiased: sums.uKL * uScale,
            hsicBiasedXX: sums.vKK * vScale, hsicBiasedYY: sums.vLL * vScale,
            hsicUnbiasedXX: sums.uKK * uScale, hsicUnbiasedYY: sums.uLL * uScale,
            gamma: GammaTestResult(n: k.n, sums: sums, kTotal: k.total, lTotal: l.total),
            permutation: permutationResult)
    }
}

extension GaussianHSIC {
    /// When the median heuristic looks at every row anyway (n ≤ 1000, the
    /// subsample is the identity), its squared distances become the kernel:
    /// one `syrk` per operand instead of two.
    private func reusesDistances(_ bandwidth: Bandwidth, _ data: Matrix<Double>) -> Bool {
        bandwidth == .medianHeuristic && data.rows <= MedianHeuristic.defaultMaxRows
    }

    /// The Gaussian kernel of `data` in `buffer`, with σ given or, when nil,
    /// chosen by the median heuristic from the same squared distances.
    private func gaussianKernel(_ data: Matrix<Double>, bandwidth: BandwidthChoice?, operand: String,
                                into buffer: inout [Double]) throws -> (BandwidthChoice, SymmetricKernel) {
        if let bandwidth {
            let gamma = 1 / (2 * bandwidth.sigma * bandwidth.sigma)
            return (bandwidth, buildSymmetricKernel(data, kind: .gaussian(gamma: gamma), into: &buffer, threads: threads))
        }
        _ = buildSymmetricKernel(data, kind: .squaredDistance, into: &buffer, threads: threads)
        let choice = try MedianHeuristic.choice(fromSquaredDistances: buffer, n: data.rows, operand: operand)
        let gamma = 1 / (2 * choice.sigma * choice.sigma)
        let kernel = transformSymmetricKernel(&buffer, n: data.rows, norms: [],
                                              kind: .gaussianOfStoredSquaredDistance(gamma: gamma), threads: threads)
        return (choice, kernel)
    }
}

/// Everything `GaussianHSIC` computes for one (x, y) pair.
public struct GaussianHSICResult: Sendable, Equatable {
    /// Samples used (after `maxSamples`), features of x and y.
    public let n: Int, p: Int, q: Int
    public let subsample: Subsample
    public let bandwidthX: BandwidthChoice
    public let bandwidthY: BandwidthChoice
    public let hsicBiased: Double
    public let hsicUnbiased: Double
    /// HSIC_b(K, K), HSIC_b(L, L): the normalisers of CKA.
    public let hsicBiasedXX: Double, hsicBiasedYY: Double
    public let hsicUnbiasedXX: Double, hsicUnbiasedYY: Double
    public let gamma: GammaTestResult
    public let permutation: PermutationResult?

    /// HSIC_b(K, L)/√(HSIC_b(K, K)·HSIC_b(L, L)) (RBF CKA), in [0, 1].
    public var normalized: Double { hsicBiased / (hsicBiasedXX * hsicBiasedYY).squareRoot() }
    /// The same with HSIC_u; NaN when an unbiased self-term is not positive.
    public var normalizedUnbiased: Double { hsicUnbiased / (hsicUnbiasedXX * hsicUnbiasedYY).squareRoot() }
}
