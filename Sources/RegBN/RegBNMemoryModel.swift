import Cluster

/// What one rank of a RegBN run holds at its peak, item by item, as a function of
/// the layer shapes, the batch size, the precision and the rank count: the memory
/// plan of `normalize`/`audit` refuses a run that would not fit and names the rank
/// count at which it would (`ranksNeeded(toFitIn:)`).
///
/// The items follow the code: the rank's columns of the running W (`RunningProjection`),
/// its W_hat tiles (`ProjectionShard.tileRows`), the batch buffers of a step (f's
/// block four times: input, normalised, residual, output; g whole three times), the
/// thin SVD of the g batch with LAPACK's workspace (rank 0) or its broadcast copy
/// (the others), the ridge factors, and on rank 0 the gathered outputs of a batch and
/// one block of W while it is written. Figures are for the widest rank with rank 0's
/// extras, so they bound every rank. The process itself (code, libraries, thread
/// stacks) and the data read for other purposes are not included.
public struct RegBNMemoryModel: Sendable {
    public let configuration: RegBNConfiguration
    public let batchSize: Int
    /// 4 for float32, 8 for float64.
    public let elementBytes: Int
    /// Elements of W that rank 0 gathers per block when it writes W (`forEachRowBlockOfW`);
    /// nil: `writeBlockElements(ranks:)`.
    public let writeBlockElements: Int?

    public init(configuration: RegBNConfiguration, batchSize: Int, elementBytes: Int,
                writeBlockElements: Int? = nil) {
        self.configuration = configuration
        self.batchSize = batchSize
        self.elementBytes = elementBytes
        self.writeBlockElements = writeBlockElements
    }

    /// Elements of W per block written by rank 0: at most 2²⁴ (what one write should
    /// carry), and at most a quarter of one rank's share of W, so that rank 0's write
    /// buffers never outgrow what the rank holds anyway; at least 2¹⁶.
    public static func writeBlockElements(rows: Int, columns: Int, ranks: Int) -> Int {
        let share = (CheckedSize.product(rows, columns) ?? .max) / max(1, 4 * ranks)
        return min(1 << 24, max(1 << 16, share))
    }

    /// The most ranks f's columns can be spread over (one column each).
    public var maximumRanks: Int { configuration.fFeatureCount }

    private var dtype: String { elementBytes == 4 ? "float32" : elementBytes == 8 ? "float64" : "\(elementBytes)-byte" }

    /// The items of the rank that holds the most, with `ranks` ranks (≥ 1).
    public func items(ranks: Int) -> [MemoryItem] {
        let q = configuration.gFeatureCount, p = configuration.fFeatureCount, b = batchSize
        let ranks = max(1, min(ranks, max(1, p)))
        let width = widestShare(of: p, ranks: ranks, channels: configuration.fChannels)
        let k = min(b, q), e = elementBytes
        func item(_ name: String, _ extents: [Int], times: Int = 1, _ note: String) -> MemoryItem {
            let text = (times == 1 ? "" : "\(times) × ") + extents.map(String.init).joined(separator: " × ")
            return MemoryItem(name, size: "\(text) \(dtype) (\(note))", bytes: CheckedSize.product(extents + [times, e]))
        }
        var items = [
            item("running W (this rank's columns)", [q, width], "g features × f columns of the rank"),
            MemoryItem("W_hat tiles", size: tileDescription(rows: q, width: width), bytes: tileElements(rows: q, width: width)
                .flatMap { CheckedSize.product($0, e) }),
            item("batch of f (input, normalised, residual, output)", [b, width], times: 4, "batch × f columns of the rank"),
            item("batch of g (input, normalised, output)", [b, q], times: 3, "batch × g features, whole on every rank"),
            item("ridge factors diag(c)·Uᵀ·F", [k, width], "rank of the g batch × f columns of the rank"),
            MemoryItem("thin SVD of the g batch (U, s, Vᵀ, LAPACK workspace)",
                       size: "≈ \(b)·\(k) + \(k)·\(q) + 4·\(k)² + \(q) \(dtype)",
                       bytes: CheckedSize.sum([CheckedSize.product(b, k), CheckedSize.product(k, q),
                                               CheckedSize.product(4, k, k), q, CheckedSize.product(8, k)])
                           .flatMap { CheckedSize.product($0, e) }),
        ]
        if ranks > 1 {
            items.append(MemoryItem("g batch's SVD as broadcast (U, s, c, Vᵀ packed)",
                                    size: "\(b)·\(k) + 3·\(k) + \(k)·\(q) \(dtype)",
                                    bytes: CheckedSize.sum([CheckedSize.product(b, k), CheckedSize.product(3, k),
                                                            CheckedSize.product(k, q)]).flatMap { CheckedSize.product($0, e) }))
            items.append(item("gathered f outputs of a batch (rank 0)", [b, p], times: 2, "batch × all f features"))
        }
        let block = writeBlockElements ?? Self.writeBlockElements(rows: q, columns: p, ranks: ranks)
        let blockRows = max(1, min(q, block / max(1, p)))
        items.append(item("W written in row blocks (rank 0)", [blockRows, p], times: ranks > 1 ? 3 : 1,
                          "rows per block × f features"))
        return items
    }

    /// Bytes of `items(ranks:)`, nil beyond 64 bits.
    public func bytesPerRank(ranks: Int) -> Int? { CheckedSize.total(items(ranks: ranks)) }

    /// The fewest ranks whose every rank needs at most `limit` bytes; nil when even one
    /// column per rank does not fit (g's batch and SVD, held by every rank, are too big).
    public func ranksNeeded(toFitIn limit: Int) -> Int? {
        Cluster.ranksNeeded(toFitIn: limit, maximumRanks: maximumRanks) { bytesPerRank(ranks: $0) }
    }

    /// Columns of the widest rank under `RegBNShardPlan`'s rule.
    private func widestShare(of columns: Int, ranks: Int, channels: Int) -> Int {
        guard columns > 0 else { return 0 }
        if ranks <= channels, channels > 0 {
            let spatial = columns / channels
            return (channels + ranks - 1) / ranks * spatial
        }
        return (columns + ranks - 1) / ranks
    }

    /// W_hat's tile elements for a rank's `rows × width` block of W (the rules of
    /// `RunningProjection.columnBlocks` and `ProjectionShard.tileRows`, without overflow).
    private func tileElements(rows: Int, width: Int) -> Int? {
        guard let whole = CheckedSize.product(rows, width) else { return nil }
        if whole <= 1 << 22 { return whole }
        let blocks = min(width / 16, 2 * ((width + 255) / 256))
        let blockWidth = (width + blocks - 1) / max(1, blocks)
        return CheckedSize.product(blocks, max(1, min(rows, (1 << 15) / max(1, blockWidth))), blockWidth)
    }

    private func tileDescription(rows: Int, width: Int) -> String {
        guard let whole = CheckedSize.product(rows, width), whole > 1 << 22 else {
            return "\(rows) × \(width) \(dtype) (W_hat kept whole while it is at most 2²² elements)"
        }
        return "one tile of ≈ 2¹⁵ elements per column block of W \(dtype)"
    }
}
