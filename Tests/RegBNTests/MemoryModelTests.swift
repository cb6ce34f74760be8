import Cluster
import Testing
@testable import RegBN

// The per-rank memory of a RegBN run, as the memory plan will quote it: the
// running W splits over the ranks, g's batch and SVD do not.

private let earlyConvolution = RegBNConfiguration(fChannels: 64, fSpatialShape: [28, 28], gChannels: 64,
                                                  gSpatialShape: [28, 28], normalizeInput: true)

private func bytes(_ items: [MemoryItem], _ prefix: String) -> Int? {
    items.first { $0.name.hasPrefix(prefix) }?.bytes
}

@Test func theRunningWOfAnEarlyConvolutionSplitsOverTheRanks() throws {
    // f and g of [64, 28, 28]: W is 50176 × 50176, 10.07 GB in float32 (issue 12).
    let model = RegBNMemoryModel(configuration: earlyConvolution, batchSize: 50, elementBytes: 4)
    #expect(bytes(model.items(ranks: 1), "running W") == 50176 * 50176 * 4)
    // 4 ranks hold 16 channels × 784 columns each.
    #expect(bytes(model.items(ranks: 4), "running W") == 50176 * 12544 * 4)
    // 3 ranks: the widest holds 22 of the 64 channels.
    #expect(bytes(model.items(ranks: 3), "running W") == 50176 * 22 * 784 * 4)
    // g's batch is whole on every rank.
    #expect(bytes(model.items(ranks: 4), "batch of g") == 3 * 50 * 50176 * 4)
    let perRank = (1...8).map { model.bytesPerRank(ranks: $0) ?? .max }
    #expect(zip(perRank.dropFirst(), perRank.dropFirst(2)).allSatisfy { $0 >= $1 })
    #expect(perRank[0] > 10_070_000_000 && perRank[3] < 2_900_000_000)
}

@Test func ranksNeededIsTheFewestThatFit() throws {
    let model = RegBNMemoryModel(configuration: earlyConvolution, batchSize: 50, elementBytes: 4)
    let limit = 4 << 30
    let needed = try #require(model.ranksNeeded(toFitIn: limit))
    // Two ranks hold 32 channels each: 5.0 GB of W alone. Three hold at most 22: 3.5 GB.
    #expect(needed == 3)
    #expect((model.bytesPerRank(ranks: needed) ?? .max) <= limit)
    #expect((model.bytesPerRank(ranks: needed - 1) ?? 0) > limit)
    // Nothing fits when g's batch alone is larger than the limit.
    #expect(model.ranksNeeded(toFitIn: 20 << 20) == nil)
    #expect(RegBNMemoryModel(configuration: earlyConvolution, batchSize: 50, elementBytes: 8)
        .ranksNeeded(toFitIn: 4 << 30) == 6)
}

@Test func theModelsWAndTilesAreWhatTheModuleAllocates() throws {
    // f [6, 10, 10] against g [4, 8, 8] in float64, 3 ranks: W blocks of 256 × 200.
    let configuration = RegBNConfiguration(fChannels: 6, fSpatialShape: [10, 10], gChannels: 4, gSpatialShape: [8, 8],
                                           normalizeInput: true)
    let model = RegBNMemoryModel(configuration: configuration, batchSize: 16, elementBytes: 8)
    let widths = try LocalCluster.run(ranks: 3) { comm in
        let module = try RegBNModule<Double>(configuration: configuration, communicator: comm)
        let blocks = RunningProjection<Double>.columnBlocks(rows: module.projection.rows, columns: module.projection.columns)
        let tiles = blocks.reduce(0) { total, block in
            total + ProjectionShard<Double>.tileRows(rows: module.projection.rows, columns: module.projection.columns,
                                                     width: block.count) * block.count
        }
        return (module.projection.rows * module.projection.columns * 8, tiles * 8)
    }
    let items = model.items(ranks: 3)
    #expect(bytes(items, "running W") == widths.map(\.0).max())
    #expect(bytes(items, "W_hat tiles") == widths.map(\.1).max())
}

@Test func absurdShapesGiveNoSizeInsteadOfATrap() {
    let configuration = RegBNConfiguration(fChannels: 1 << 20, fSpatialShape: [1 << 20], gChannels: 1 << 20,
                                           gSpatialShape: [1 << 20])
    let model = RegBNMemoryModel(configuration: configuration, batchSize: 1 << 20, elementBytes: 8)
    #expect(model.bytesPerRank(ranks: 1) == nil)
    #expect(model.ranksNeeded(toFitIn: 1 << 40) == nil)
}
