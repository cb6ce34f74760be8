import SeededRandom

/// Which samples each emulated training step sees, and what the training loop
/// passes to the module.
///
/// Two loader conventions exist in practice. This tool's default mirrors
/// `DataLoader(..., drop_last=True)`: `N / b` full batches per epoch, the last
/// incomplete one dropped. The official example (`example_PMR/PMR.py`) leaves
/// `drop_last=False`: `keepLastBatch` trains on the final partial batch too, and
/// `steps_per_epoch` becomes `ceil(N / b)` (which also sets how many λ's the
/// module's history keeps). The example also numbers epochs from 1
/// (`firstEpoch`), and its loader shuffles: a logged run's order is replayed
/// exactly from `.logged`.
struct TrainingSchedule: Sendable, Equatable {
    /// The sample order of each epoch.
    enum Order: Sendable, Equatable {
        /// 0, 1, …, N−1 every epoch.
        case fileOrder
        /// A fresh permutation per epoch from an independent seeded stream, so
        /// epoch e's order does not depend on how many epochs run.
        case shuffled(seed: UInt64)
        /// The indices each epoch consumed, as a logged run recorded them
        /// (`LoggedOrder` validates them against the schedule).
        case logged([[Int]])
    }

    let sampleCount: Int
    let batchSize: Int
    let epochs: Int
    let firstEpoch: Int
    let keepLastBatch: Bool
    let order: Order

    init(sampleCount: Int, batchSize: Int, epochs: Int, firstEpoch: Int = 0, keepLastBatch: Bool = false,
         order: Order = .fileOrder) throws {
        if !keepLastBatch {
            try FullBatches.count(samples: sampleCount, batchSize: batchSize, of: "training samples",
                                  purpose: "train on", alternative: "--keep-last-batch to train on the partial batch")
        }
        self.sampleCount = sampleCount
        self.batchSize = batchSize
        self.epochs = epochs
        self.firstEpoch = firstEpoch
        self.keepLastBatch = keepLastBatch
        self.order = order
    }

    /// `ceil(N/b)` with the partial batch kept (`len(dataloader)`), `N/b` without.
    var stepsPerEpoch: Int {
        keepLastBatch ? (sampleCount + batchSize - 1) / batchSize : sampleCount / batchSize
    }
    var totalSteps: Int { epochs * stepsPerEpoch }
    /// Indices one epoch consumes.
    var samplesPerEpoch: Int { keepLastBatch ? sampleCount : stepsPerEpoch * batchSize }
    /// Samples never seen in training in each epoch (the dropped partial batch).
    var droppedPerEpoch: Int { sampleCount - samplesPerEpoch }

    /// The order of epoch `epoch` (0-based); for a logged order, the indices it consumed.
    func order(epoch: Int) -> [Int] {
        switch order {
        case .fileOrder:
            return Array(0..<sampleCount)
        case .shuffled(let seed):
            var generator = SplitMix64(seed: seed, stream: epoch)
            return generator.permutation(sampleCount)
        case .logged(let epochs):
            return epochs[epoch]
        }
    }

    /// Rows of step `step` (0-based within the epoch) given the epoch's order.
    func rows(of order: [Int], step: Int) -> ArraySlice<Int> {
        let start = step * batchSize
        return order[start..<min(start + batchSize, samplesPerEpoch)]
    }

    /// The `n_epoch` the loop passes at epoch `epoch` (0-based).
    func epochArgument(_ epoch: Int) -> Int { firstEpoch + epoch }
}
