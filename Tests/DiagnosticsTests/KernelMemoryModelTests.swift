import Cluster
import Diagnostics
import Testing

// The kernel statistics' memory per rank: the feature blocks and the bootstrap
// share split over the ranks, the n×n buffers do not.

private func bytes(_ items: [MemoryItem], _ prefix: String) -> Int? {
    items.first { $0.name.hasPrefix(prefix) }?.bytes
}

@Test func featureBlocksSplitAndTheKernelBuffersDoNot() throws {
    // n = 5000 samples of two [64, 28, 28] layers (50176 features each).
    let model = KernelMemoryModel(samples: 5000, featuresX: 50176, featuresY: 50176, bootstrapResamples: 200)
    let one = model.items(ranks: 1), four = model.items(ranks: 4)
    #expect(bytes(one, "n×n kernel buffers") == 2 * 5000 * 5000 * 8)
    #expect(bytes(four, "n×n kernel buffers") == 2 * 5000 * 5000 * 8)
    #expect(bytes(one, "feature blocks") == 2 * 5000 * 100352 * 8)
    #expect(bytes(four, "feature blocks") == 2 * 5000 * 25088 * 8)
    #expect(bytes(four, "bootstrap") == 10 * 5000 * 50 * 8)
    // With features far beyond the samples, linear CKA needs no p × p matrix.
    #expect(bytes(one, "linear CKA in feature space") == nil)
    let small = KernelMemoryModel(samples: 5000, featuresX: 512, featuresY: 512)
    #expect(bytes(small.items(ranks: 1), "linear CKA in feature space") == 3 * 512 * 512 * 8)
}

@Test func ranksNeededCountsOnlyWhatSplits() throws {
    let model = KernelMemoryModel(samples: 5000, featuresX: 50176, featuresY: 50176)
    // One rank: 8.0 GB of feature blocks + 0.4 GB of kernels.
    let needed = try #require(model.ranksNeeded(toFitIn: 2 << 30))
    #expect((model.bytesPerRank(ranks: needed) ?? .max) <= 2 << 30)
    #expect((model.bytesPerRank(ranks: needed - 1) ?? 0) > 2 << 30)
    // The two 5000 × 5000 buffers (400 MB) never split: below that no rank count helps.
    #expect(model.ranksNeeded(toFitIn: 300 << 20) == nil)
    let absurd = KernelMemoryModel(samples: 1 << 40, featuresX: 3, featuresY: 3)
    #expect(absurd.bytesPerRank(ranks: 1) == nil && absurd.bytesPerRank(ranks: 3) == nil)
}
