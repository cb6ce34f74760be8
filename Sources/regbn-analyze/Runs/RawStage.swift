import Diagnostics
import Linalg

/// One pass over the raw pair: the dependence samples of f and g, and, with
/// `spectra`, the spectra of consecutive full g batches of `batchSize` rows.
struct RawStage {
    var f: StageSamples
    var g: StageSamples
    var gSpectra: [SpectrumSummary] = []

    init(f fInput: FeatureInput, g gInput: FeatureInput, batchSize: Int, maxSamples: Int,
         precision: WorkingPrecision, spectra: Bool = true, progress: Progress) throws {
        let n = fInput.sampleCount
        f = StageSamples(total: n, maxSamples: maxSamples, featureCount: fInput.featureCount, channels: fInput.channels)
        g = StageSamples(total: n, maxSamples: maxSamples, featureCount: gInput.featureCount, channels: gInput.channels)
        let analysis = SpectrumAnalysis(batchSize: batchSize, precision: precision)
        var start = 0
        while start < n {
            let rows = start..<min(n, start + batchSize)
            try f.add(try fInput.read(rows: rows, as: Double.self), rows: rows)
            let gBatch = try gInput.read(rows: rows, as: Double.self)
            try g.add(gBatch, rows: rows)
            if spectra && rows.count == batchSize { gSpectra += try analysis(gBatch) }
            start = rows.upperBound
            progress.update("reading raw data", done: start, total: n)
        }
        progress.finishLine()
    }
}
