import Diagnostics
import Linalg
import RegBN

/// The one read of the raw inputs that audit and dependence make: batches of
/// consecutive rows of f and g (and of the label datasets: confounder, strata)
/// stream past once, and everything the raw analysis needs is gathered on the
/// way — the subsample rows of every input, the spectra of the full g batches,
/// the least-squares moments of the ols baseline and the per-batch ols-batch
/// output. Memory: one batch of each input plus what is gathered, never the file.
struct RawPass {
    var f: SubsampleRows
    var g: SubsampleRows
    /// One per label input, in the order given.
    var labels: [SubsampleRows]
    /// Spectra of the consecutive full g batches (when asked for).
    var gSpectra: [SpectrumSummary] = []
    var baselines: BaselineStages?
    /// Whether only the subsample's rows were read (see `init`).
    private(set) var readSubsampleOnly = false

    struct Request {
        var subsample: Subsample
        var batchSize: Int
        /// The precision whose thresholds the g spectra flag; nil: no spectra.
        var spectra: WorkingPrecision?
        var baselines: BaselineStages?
    }

    init(f fInput: FeatureInput, g gInput: FeatureInput, labels labelInputs: [FeatureInput], request: Request,
         progress: Progress) throws {
        let n = fInput.sampleCount
        f = SubsampleRows(request.subsample, of: fInput)
        g = SubsampleRows(request.subsample, of: gInput)
        labels = labelInputs.map { SubsampleRows(request.subsample, of: $0) }
        baselines = request.baselines
        let analysis = request.spectra.map { SpectrumAnalysis(batchSize: request.batchSize, precision: $0) }
        if analysis == nil && baselines == nil && !request.subsample.isComplete {
            // Nothing but the subsample is analysed: read only its rows, one selection per
            // batch of indices, so a dependence on a huge file costs the subsample, not the file.
            try readSubsample(f: fInput, g: gInput, labels: labelInputs, request: request, progress: progress)
            return
        }
        var start = 0
        while start < n {
            let rows = start..<min(n, start + request.batchSize)
            let fBatch = try fInput.read(rows: rows, as: Double.self)
            let gBatch = try gInput.read(rows: rows, as: Double.self)
            f.add(fBatch, rows: rows)
            g.add(gBatch, rows: rows)
            for (k, input) in labelInputs.enumerated() {
                labels[k].add(try input.read(rows: rows, as: Double.self), rows: rows)
            }
            if let analysis, rows.count == request.batchSize { gSpectra += try analysis(gBatch) }
            try baselines?.add(f: fBatch, g: gBatch, rows: rows)
            start = rows.upperBound
            progress.update("reading raw data", done: start, total: n)
        }
        progress.finishLine()
    }

    private mutating func readSubsample(f fInput: FeatureInput, g gInput: FeatureInput, labels labelInputs: [FeatureInput],
                                        request: Request, progress: Progress) throws {
        let indices = request.subsample.indices
        var start = 0
        while start < indices.count {
            let chunk = Array(indices[start..<min(indices.count, start + request.batchSize)])
            f.add(subsampleRows: try fInput.read(indices: chunk, as: Double.self))
            g.add(subsampleRows: try gInput.read(indices: chunk, as: Double.self))
            for (k, input) in labelInputs.enumerated() {
                labels[k].add(subsampleRows: try input.read(indices: chunk, as: Double.self))
            }
            start += chunk.count
            progress.update("reading the subsample", done: start, total: indices.count)
        }
        progress.finishLine()
        readSubsampleOnly = true
    }
}
