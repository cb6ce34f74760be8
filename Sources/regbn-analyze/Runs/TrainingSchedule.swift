import SeededRandom

/// Which samples each emulated training step sees: `epochs` passes of
/// `sampleCount / batchSize` consecutive batches (the last incomplete batch is
/// dropped, like the official loader setting `drop_last=True`), in file order
/// or, with a seed, in a fresh permutation per epoch.
struct TrainingSchedule: Sendable, Equatable {
    let sampleCount: Int
    let batchSize: Int
    let epochs: Int
    let shuffleSeed: UInt64?

    init(sampleCount: Int, batchSize: Int, epochs: Int, shuffleSeed: UInt64?) throws {
        guard sampleCount >= batchSize else {
            throw InputError("--batch-size \(batchSize) is larger than the \(sampleCount) training samples: "
                             + "no full batch to train on. Use a batch size of at most \(sampleCount).")
        }
        self.sampleCount = sampleCount
        self.batchSize = batchSize
        self.epochs = epochs
        self.shuffleSeed = shuffleSeed
    }

    var stepsPerEpoch: Int { sampleCount / batchSize }
    var totalSteps: Int { epochs * stepsPerEpoch }
    /// Samples never seen in training in each epoch (the dropped partial batch).
    var droppedPerEpoch: Int { sampleCount - stepsPerEpoch * batchSize }

    /// The sample order of one epoch: identity, or a Fisher–Yates permutation
    /// from an independent SplitMix64 stream per epoch (so epoch e's order does
    /// not depend on how many epochs run).
    func order(epoch: Int) -> [Int] {
        var order = Array(0..<sampleCount)
        guard let shuffleSeed else { return order }
        var generator = SplitMix64(seed: shuffleSeed, stream: epoch)
        generator.shuffle(&order)
        return order
    }

    /// Rows of step `step` given the epoch's order.
    static func rows(of order: [Int], step: Int, batchSize: Int) -> [Int] {
        Array(order[(step * batchSize)..<((step + 1) * batchSize)])
    }
}
