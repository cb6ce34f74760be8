import Foundation
import Linalg
import SeededRandom
import Testing
@testable import Diagnostics

/// The streamed channel validation: the centred spectrum against a direct
/// SVD, independence of how the rows arrive, and the variance counts.
@Suite struct ChannelValidationStreamingTests {
    /// Singular values of the column-centred matrix, directly.
    private func centredSingularValues(_ x: Matrix<Double>) throws -> [Double] {
        var centred = x
        for j in 0..<x.columns {
            let mean = (0..<x.rows).reduce(0.0) { $0 + x[$1, j] } / Double(x.rows)
            for i in 0..<x.rows { centred[i, j] -= mean }
        }
        return try singularValues(centred)
    }

    /// Rows in blocks of the given sizes (the last takes the rest).
    private func streamed(_ x: Matrix<Double>, blocks: [Int]) throws -> [Double] {
        var spectrum = CentredSpectrum(columns: x.columns)
        var start = 0
        for size in blocks + [x.rows] where start < x.rows {
            let end = min(x.rows, start + size)
            try spectrum.add(x.rows(start..<end))
            start = end
        }
        return try spectrum.singularValues()
    }

    @Test(arguments: [[700], [1, 2, 3, 500], [256, 256, 256], [13, 300, 7, 290], [699, 1]])
    func centredSpectrumMatchesADirectSVD(_ blocks: [Int]) throws {
        // 700 rows of 12 columns, two of them duplicates and one constant, with an offset of 1e3.
        var x = TestData.gaussian(rows: 700, columns: 12, seed: 31)
        for i in 0..<700 {
            x[i, 3] = x[i, 1]
            x[i, 7] = 2.5
            for j in 0..<12 { x[i, j] += 1e3 }
        }
        let direct = try centredSingularValues(x)
        let values = try streamed(x, blocks: blocks)
        #expect(values.count == 12)
        for (a, b) in zip(values, direct) {
            #expect(abs(a - b) <= 1e-11 * direct[0], "\(blocks): \(a) against \(b)")
        }
        // The duplicated and the constant column leave two exact-zero directions.
        #expect(values[10] <= 1e-13 * values[0] && values[11] <= 1e-13 * values[0])
    }

    /// Blocks of very different magnitudes: the rescaling between blocks is exact.
    @Test func blocksOfDifferentMagnitudesMerge() throws {
        var x = TestData.gaussian(rows: 600, columns: 5, seed: 8)
        for i in 300..<600 { for j in 0..<5 { x[i, j] *= 1e200 } }
        let values = try streamed(x, blocks: [300])
        let scaled = Matrix(rows: 600, columns: 5, storage: x.storage.map { $0 * 1e-200 })
        let direct = try centredSingularValues(scaled).map { $0 * 1e200 }
        for (a, b) in zip(values, direct) { #expect(abs(a - b) <= 1e-12 * direct[0]) }
        #expect(values.allSatisfy { $0.isFinite })
    }

    @Test func fewerRowsThanColumnsGiveMinRowsColumnsValues() throws {
        let x = TestData.gaussian(rows: 4, columns: 9, seed: 2)
        let values = try streamed(x, blocks: [1, 1, 1])
        #expect(values.count == 4)
        #expect(values[3] <= 1e-13 * values[0])   // centring removes one direction
    }

    /// The validation is the same whichever way the rows are fed in.
    @Test func validationDoesNotDependOnTheBlocks() throws {
        let x = TestData.gaussian(rows: 130, columns: 6 * 4, seed: 5)
        let settings = ChannelValidation(batchSize: 20, precision: .float64)
        let whole = try settings(x, channels: 6, spatialShape: [2, 2])
        for blocks in [[20], [7], [33, 1, 50]] {
            var accumulator = try settings.accumulator(channels: 6, spatialShape: [2, 2])
            var start = 0, index = 0
            while start < x.rows {
                let end = min(x.rows, start + blocks[index % blocks.count])
                try accumulator.add(x.rows(start..<end))
                start = end
                index += 1
            }
            let streamed = try accumulator.result()
            #expect(streamed.batches == whole.batches, "\(blocks)")
            #expect(streamed.samples == 130 && streamed.batches.count == 6)
            for (a, b) in zip(streamed.channelSpectrum.singularValues, whole.channelSpectrum.singularValues) {
                #expect(abs(a - b) <= 1e-12 * whole.channelSpectrum.singularValues[0])
            }
        }
    }

    @Test func badRowsAreErrorsWithTheirSample() throws {
        var accumulator = try ChannelValidation(batchSize: 5).accumulator(channels: 2, spatialShape: [3])
        try accumulator.add(TestData.gaussian(rows: 7, columns: 6, seed: 1))
        var bad = TestData.gaussian(rows: 3, columns: 6, seed: 2)
        bad[1, 4] = .infinity
        #expect(throws: DiagnosticsError.nonFinite(operand: "x", sample: 8, feature: 4, value: .infinity)) {
            try accumulator.add(bad)
        }
        #expect(throws: DiagnosticsError.channelLayoutMismatch(operand: "x", columns: 5, channels: 2)) {
            try accumulator.add(Matrix(rows: 1, columns: 5))
        }
        let short = try ChannelValidation(batchSize: 50).accumulator(channels: 2, spatialShape: [3])
        #expect(throws: DiagnosticsError.self) { try short.result() }
        #expect(throws: DiagnosticsError.self) { try ChannelValidation(batchSize: 0).accumulator(channels: 2, spatialShape: []) }
    }

    @Test func varianceCountsFollowTheCumulativeEnergy() {
        // s² = 50, 30, 15, 4, 1 (total 100): 90 % needs 3, 99 % needs 4.
        let spectrum = SpectrumSummary(singularValues: [50, 30, 15, 4, 1].map { $0.squareRoot() }, rows: 100, columns: 5)
        let result = ChannelValidationResult(channels: 5, spatialShape: [], batchSize: 10, samples: 100,
                                             channelSpectrum: spectrum, batches: [])
        #expect(result.channelsFor90PercentVariance == 3 && result.channelsFor99PercentVariance == 4)
        #expect(result.channelCount(keeping: 0.5) == 1 && result.channelCount(keeping: 1) == 5)
        let flat = ChannelValidationResult(channels: 5, spatialShape: [], batchSize: 10, samples: 100,
                                           channelSpectrum: SpectrumSummary(singularValues: [0, 0, 0, 0, 0], rows: 100,
                                                                            columns: 5), batches: [])
        #expect(!flat.channelsVary && flat.channelsFor99PercentVariance == 0)
    }
}

/// Shapes no batch could hold are settings errors, never an overflow trap.
@Test("Absurd spatial shapes are refused")
func absurdSpatialShapesAreRefused() {
    #expect(throws: DiagnosticsError.self) {
        try ChannelValidation(batchSize: 50).accumulator(channels: 1 << 40, spatialShape: [1 << 40])
    }
    #expect(throws: DiagnosticsError.self) {
        try ChannelValidation(batchSize: 1 << 40).accumulator(channels: 1 << 20, spatialShape: [1 << 10])
    }
    #expect(throws: DiagnosticsError.self) { try ChannelValidation(batchSize: 5).accumulator(channels: 2, spatialShape: [0]) }
}
