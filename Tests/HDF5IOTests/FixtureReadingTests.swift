import Foundation
import HDF5IO
import TestSupport
import Testing

/// Reads the shared fixtures (copies in Tests/Fixtures) and checks their
/// shapes against the fixture README's "Files" table and values against the
/// README's layout formulas and the `config` attribute.
@Suite struct FixtureReadingTests {
    static let inputShapes: [(file: String, f: [Int], g: [Int], batch: Int, epochs: Int)] = [
        ("linear_confound_vec.h5", [400, 64], [400, 16], 50, 2),
        ("conv_maps.h5", [200, 32], [200, 8, 4, 4], 50, 2),
        ("images_early_fusion.h5", [300, 1, 28, 28], [300, 3, 28, 28], 50, 1),
        ("float64_parity.h5", [400, 64], [400, 16], 50, 2),
        ("rank_deficient.h5", [200, 32], [200, 16, 8, 8], 20, 2),
    ]

    @Test(arguments: inputShapes.map(\.file))
    func inputShapesMatchTheREADME(file name: String) throws {
        let row = try #require(Self.inputShapes.first { $0.file == name })
        let file = try HDF5File.open(TestPaths.fixture(name).path)
        let f = try file.info("/f")
        let g = try file.info("/g")
        #expect(f.shape == row.f)
        #expect(g.shape == row.g)
        #expect(f.elementType.elementClass == .float)
        // README: inputs are stored float32 in every file (cast for float64_parity).
        #expect(f.dtype == "float32" && g.dtype == "float32")
        #expect(try file.readFeatures("/g", as: Double.self).shape == row.g)
    }

    @Test func configAttributeDescribesTheStoredArrays() throws {
        let file = try HDF5File.open(TestPaths.fixture("conv_maps.h5").path)
        let config = try #require(try file.attribute("config").stringValue)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any])
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["f_shape"] as? [Int] == (try file.info("/f").shape))
        #expect(data["g_shape"] as? [Int] == (try file.info("/g").shape))
        #expect(try file.attribute("layout_version").stringValue == "1")
    }

    /// README: step i has epoch i // (N // b) and batch i % (N // b), row_start = batch · b.
    @Test(arguments: inputShapes.map(\.file))
    func trainingStepIndicesFollowTheLayoutFormula(file name: String) throws {
        let row = try #require(Self.inputShapes.first { $0.file == name })
        let file = try HDF5File.open(TestPaths.fixture(name).path)
        let stepsPerEpoch = row.f[0] / row.batch
        let epoch = try file.readArray("/expected/train/epoch", as: Int64.self)
        let batch = try file.readArray("/expected/train/batch", as: Int64.self)
        let rowStart = try file.readArray("/expected/train/row_start", as: Double.self)
        #expect(epoch.shape == [row.epochs * stepsPerEpoch])
        for step in 0..<epoch.storage.count {
            #expect(epoch.storage[step] == Int64(step / stepsPerEpoch))
            #expect(batch.storage[step] == Int64(step % stepsPerEpoch))
            #expect(rowStart.storage[step] == Double((step % stepsPerEpoch) * row.batch))
        }
    }

    @Test func sampleRangeIsTheMatchingSliceOfTheWholeRead() throws {
        let file = try HDF5File.open(TestPaths.fixture("conv_maps.h5").path)
        let whole = try file.readFeatures("/g", as: Float.self)
        #expect(whole.sampleCount == 200)
        #expect(whole.featuresPerSample == 8 * 4 * 4)
        let part = try file.readFeatures("/g", as: Float.self, samples: 37..<90)
        #expect(part.shape == [53, 8, 4, 4])
        let stride = whole.featuresPerSample
        #expect(part.storage == Array(whole.storage[(37 * stride)..<(90 * stride)]))
        let widened = try file.readFeatures("/g", as: Double.self, samples: 37..<90)
        #expect(widened.storage == part.storage.map(Double.init))
    }

    @Test func expectedCarriesToleranceAttributes() throws {
        let file = try HDF5File.open(TestPaths.fixture("conv_maps.h5").path)
        let lambda = try Expected.load(file, "/expected/train/lambda")
        #expect(lambda.shape == [8])
        #expect(lambda.rtolReplay != nil && lambda.atolReplay != nil)
        #expect(lambda.rtol >= 0 && lambda.atol >= 0)
        #expect(lambda.mismatch(lambda.values) == nil)
        #expect(lambda.mismatch(lambda.values, profile: .replay) == nil)

        let diagnostic = try Expected.load(file, "/expected/diagnostics/null_shuffled/channel_corr/matrix")
        #expect(diagnostic.shape == [32, 8])
        #expect(diagnostic.rtolReplay == nil && diagnostic.atolReplay == nil)
        #expect(!diagnostic.advisory && !diagnostic.searchOutput)
        #expect(diagnostic.maxError(diagnostic.values) == (0, 0))
    }

    @Test func scalarDatasetsReadWithEmptyShape() throws {
        let file = try HDF5File.open(TestPaths.fixture("conv_maps.h5").path)
        let scalar = try file.readArray("/expected/diagnostics/null_shuffled/channel_corr/max_abs", as: Double.self)
        #expect(scalar.shape == [])
        #expect(scalar.storage.count == 1)
        let matrix = try file.readArray("/expected/diagnostics/null_shuffled/channel_corr/matrix", as: Double.self)
        let largest = matrix.storage.map(abs).max()
        #expect(scalar.storage[0] == largest)
    }
}
