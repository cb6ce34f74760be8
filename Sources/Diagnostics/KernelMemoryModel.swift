import Cluster

/// What one rank holds at its peak while it computes the kernel statistics of one
/// (x, y) pair (`DependenceMeasures`), as a function of the shapes, the settings and
/// the rank count: the memory plan of `dependence`/`audit` refuses a run that would
/// not fit and names the rank count at which it would.
///
/// Only the feature blocks and a rank's share of the bootstrap resamples split over
/// ranks; the two n×n buffers (and the strata blocks) are whole on every rank, so
/// when they alone exceed the limit no rank count helps (`ranksNeeded` is nil) and
/// `--max-samples` must shrink n. The caller's own copy of its data is not included.
public struct KernelMemoryModel: Sendable {
    /// n, the samples the n×n measures use (after `maxSamples`).
    public let samples: Int
    /// Columns of x and y over all ranks (levels for labels).
    public let featuresX: Int, featuresY: Int
    public let bootstrapResamples: Int
    public let hasStrata: Bool
    public let threads: Int

    public init(samples: Int, featuresX: Int, featuresY: Int, bootstrapResamples: Int = 0, hasStrata: Bool = false,
                threads: Int = defaultThreadCount) {
        self.samples = samples
        self.featuresX = featuresX
        self.featuresY = featuresY
        self.bootstrapResamples = bootstrapResamples
        self.hasStrata = hasStrata
        self.threads = threads
    }

    /// More ranks than columns leave some without any: the limit the ranks can help.
    public var maximumRanks: Int { max(1, featuresX, featuresY) }

    /// The items of the rank that holds the most, with `ranks` ranks (≥ 1).
    public func items(ranks: Int) -> [MemoryItem] {
        let n = samples, ranks = max(1, ranks)
        let px = (featuresX + ranks - 1) / ranks, qy = (featuresY + ranks - 1) / ranks
        let resamples = (bootstrapResamples + ranks - 1) / ranks
        func item(_ name: String, _ extents: [Int], times: Int = 1, _ note: String) -> MemoryItem {
            let text = (times == 1 ? "" : "\(times) × ") + extents.map(String.init).joined(separator: " × ")
            return MemoryItem(name, size: "\(text) float64 (\(note))", bytes: CheckedSize.product(extents + [times, 8]))
        }
        var items = [
            item("n×n kernel buffers", [n, n], times: 2, "samples × samples, whole on every rank"),
            item("feature blocks of x and y, subsampled and scaled", [n, px + qy], times: 2,
                 "samples × the rank's columns of x and y"),
        ]
        let heuristicRows = min(n, MedianHeuristic.defaultMaxRows)
        items.append(item("median-heuristic distances", [heuristicRows * max(0, heuristicRows - 1) / 2],
                          "pairs of at most \(MedianHeuristic.defaultMaxRows) rows"))
        if ranks > 1 {
            let packed = min(CheckedSize.product(n, n + 1).map { $0 / 2 } ?? .max, 1 << 22)
            items.append(item("Gram matrices added across ranks", [packed], times: 2, "packed rows of the triangle"))
        } else if !LinearCKA.kernelsAreCheaper(n: n, p: featuresX, q: featuresY) {
            items.append(MemoryItem("linear CKA in feature space",
                                    size: "\(featuresX)² + \(featuresY)² + \(featuresX)·\(featuresY) float64",
                                    bytes: CheckedSize.sum([CheckedSize.product(featuresX, featuresX),
                                                            CheckedSize.product(featuresY, featuresY),
                                                            CheckedSize.product(featuresX, featuresY)])
                                        .flatMap { CheckedSize.product($0, 8) }))
        }
        if resamples > 0 {
            items.append(item("bootstrap weights and products (this rank's resamples)", [n, resamples], times: 10,
                              "samples × resamples: counts, their powers, A·w and B·w"))
        }
        if hasStrata {
            items.append(item("strata blocks (at most)", [n, n], times: 2, "Σ stratum size², at most samples²"))
        }
        return items
    }

    /// Bytes of `items(ranks:)`, nil beyond 64 bits.
    public func bytesPerRank(ranks: Int) -> Int? { CheckedSize.total(items(ranks: ranks)) }

    /// The fewest ranks whose every rank needs at most `limit` bytes; nil when the
    /// memory every rank holds (the n×n buffers) is already too much.
    public func ranksNeeded(toFitIn limit: Int) -> Int? {
        Cluster.ranksNeeded(toFitIn: limit, maximumRanks: maximumRanks) { bytesPerRank(ranks: $0) }
    }
}
