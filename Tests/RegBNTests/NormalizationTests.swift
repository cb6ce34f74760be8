import SeededRandom
import Testing
@testable import RegBN

@Test func batchNormUsesBatchStatisticsAndUpdatesRunningStatistics() throws {
    // 4 samples × 2 channels × 3 positions (a 1×3 "map", channel major within a row).
    var rng = SplitMix64(seed: 17)
    let x: Matrix<Double> = gaussianMatrix(4, 6, &rng)
    var state = BatchNormState<Double>(channels: 2, momentum: 0.1, eps: 1e-5)
    let y = try state.normalizeTraining(x)
    for c in 0..<2 {
        let indices = (0..<4).flatMap { r in (0..<3).map { r * 6 + c * 3 + $0 } }
        let values = indices.map { x.storage[$0] }
        let mean = values.reduce(0, +) / 12
        let biased = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 12
        for i in indices {
            #expect(abs(y.storage[i] - (x.storage[i] - mean) / (biased + 1e-5).squareRoot()) < 1e-12)
        }
        // Running statistics: momentum 0.1 towards the mean and the UNBIASED variance.
        #expect(abs(state.runningMean[c] - 0.1 * mean) < 1e-14)
        #expect(abs(state.runningVar[c] - (0.9 + 0.1 * biased * 12 / 11)) < 1e-14)
    }
    #expect(state.batchesTracked == 1)
}

@Test func layerNormNormalisesEachSampleOverAllFeatures() throws {
    var rng = SplitMix64(seed: 4)
    var x: Matrix<Float> = gaussianMatrix(5, 40, &rng)
    for i in x.storage.indices { x.storage[i] = 3 * x.storage[i] + 7 }
    var y = x
    try layerNormRows(&y, eps: 1e-5, context: .whole(columns: 40, spatialSize: 1))
    for r in 0..<5 {
        let row = y.row(r).map { Double($0) }
        let mean = row.reduce(0, +) / 40
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 40
        #expect(abs(mean) < 1e-6)
        #expect(abs(variance - 1) < 1e-4)
    }
}

@Test func inputNormalisationFollowsTheOfficialRule() {
    #expect(InputNormalization.official(enabled: true, spatialShape: []) == .layerNorm)
    #expect(InputNormalization.official(enabled: true, spatialShape: [30]) == .layerNorm)
    #expect(InputNormalization.official(enabled: true, spatialShape: [4, 4]) == .batchNorm2d)
    #expect(InputNormalization.official(enabled: true, spatialShape: [2, 4, 4]) == .batchNorm3d)
    #expect(InputNormalization.official(enabled: false, spatialShape: [4, 4]) == .identity)
}

@Test func configurationRoundTripsThroughJSON() throws {
    let config = RegBNConfiguration(fChannels: 1, fSpatialShape: [28, 28], gChannels: 3, gSpatialShape: [28, 28],
                                    normalizeInput: true, sigmaMin: 1e-8, lambdaSolver: .root)
    let data = try JSONEncoder().encode(config)
    #expect(try JSONDecoder().decode(RegBNConfiguration.self, from: data) == config)
    #expect(throws: RegBNError.self) { try RegBNConfiguration(fChannels: 2, gChannels: 2, beta1: 1).validate() }
}

import Foundation

/// The official module builds `nn.BatchNorm{k}d` for k spatial axes, and torch has
/// none beyond k = 3: four spatial axes are refused up front, naming the modality.
@Test func moreThanThreeSpatialAxesAreRefused() throws {
    let volumes = RegBNConfiguration(fChannels: 2, fSpatialShape: [2, 2, 2], gChannels: 3, gSpatialShape: [])
    try volumes.validate()
    let error = try #require(throws: RegBNError.self) {
        try RegBNConfiguration(fChannels: 2, fSpatialShape: [2, 2, 2], gChannels: 3, gSpatialShape: [2, 2, 2, 2])
            .validate()
    }
    #expect(String(describing: error).contains("g has 4 spatial axes [2, 2, 2, 2]"))
}
