/// The official `lambda_set`: recent λ's, stored float32-rounded even in a
/// float64 run (`λ.float()`), trimmed to the last `max(n_keep, 1)` before each
/// append, so it holds at most `steps_per_epoch + 1` values (quirk 8).
public struct LambdaHistory: Sendable, Equatable, Codable {
    public private(set) var values: [Float] = []

    public init(values: [Float] = []) { self.values = values }

    public var count: Int { values.count }

    /// `torch.median`: the lower of the two middle values for an even count.
    public var lowerMedian: Float? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[(values.count - 1) / 2]
    }

    mutating func append(_ lambda: Float, keep: Int) {
        let kept = max(keep, 1)
        if values.count > kept { values.removeFirst(values.count - kept) }
        values.append(lambda)
    }
}
