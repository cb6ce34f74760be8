import Diagnostics
import Linalg
import RegBN

/// The regress-out baselines beside RegBN (`--baselines ols,ols-batch`),
/// computed from the raw pass with no read of their own:
/// - `ols` accumulates the least-squares moments GcᵀGc and GcᵀFc batch by batch
///   (memory m² + m·n, any N), solves once, and applies the fit to the
///   subsample rows of f and g, the only rows the measures use;
/// - `ols-batch` regresses g out of f within each batch of the pass, the
///   consecutive `--batch-size` rows RegBN's inference pass uses too, and keeps
///   the output's subsample rows.
///
/// The ridge ε is `relativeRidge` times the mean eigenvalue of the centred
/// normal matrix (tr(GcᵀGc)/m, of the whole data or of the batch), so it does
/// not depend on the scale of g.
struct BaselineStages {
    let wanted: [Baseline]
    let relativeRidge: Double
    private var accumulator: OLSAccumulator?
    private var batchOutput: SubsampleRows?
    /// Batches of `ols-batch` whose g has at least b − 1 features (explains f completely without a ridge).
    private(set) var saturatedBatches = 0
    /// Batches whose regress-out left only rounding noise (see `snappingResidual`).
    private(set) var snappedBatches = 0
    private(set) var batches = 0

    init(wanted: [Baseline], relativeRidge: Double, subsample: Subsample, f: FeatureInput, g: FeatureInput) {
        self.wanted = wanted
        self.relativeRidge = relativeRidge
        if wanted.contains(.ols) { accumulator = OLSAccumulator(featuresF: f.featureCount, featuresG: g.featureCount) }
        if wanted.contains(.olsBatch) { batchOutput = SubsampleRows(subsample, of: f) }
    }

    mutating func add(f: Matrix<Double>, g: Matrix<Double>, rows: Range<Int>) throws {
        try accumulator?.add(f: f, g: g)
        guard batchOutput != nil else { return }
        batches += 1
        if g.columns >= g.rows - 1 { saturatedBatches += 1 }
        let ridge = relativeRidge * Self.centredTrace(g) / Double(max(1, g.columns))
        let (output, snapped) = Self.snappingResidual(try BatchRegressOut(ridge: ridge)(f: f, g: g), of: f)
        if snapped { snappedBatches += 1 }
        batchOutput?.add(output, rows: rows)
    }

    /// The baseline stages' f at the subsample rows, given raw f and g there,
    /// with the settings text and warnings each stage's rows carry.
    func outputs(f: Matrix<Double>, g: Matrix<Double>) throws -> [BaselineOutput] {
        var outputs: [BaselineOutput] = []
        if let accumulator {
            let ridge = relativeRidge * accumulator.normalMatrixTrace / Double(max(1, accumulator.featuresG))
            let fit = try accumulator.solve(ridge: ridge)
            var warnings: [String] = []
            let (output, snapped) = Self.snappingResidual(try fit.apply(f: f, g: g), of: f)
            if snapped {
                warnings.append("ols: least squares explains f completely (g has \(accumulator.featuresG) features "
                                + "for \(accumulator.count) samples), so f_ols is f's mean in every sample and the "
                                + "measures are 0 or undefined; give --ols-ridge (e.g. 0.01) for a ridge regress-out.")
            }
            outputs.append(BaselineOutput(
                stage: .ols, f: output,
                settings: "regress-out of g over all \(accumulator.count) samples; ols_ridge=\(relativeRidge) "
                    + "(epsilon=\(CSVFormat.number(ridge)))",
                warnings: warnings))
        }
        if let batchOutput {
            var warnings: [String] = []
            if snappedBatches > 0 {
                warnings.append("ols-batch: in \(snappedBatches) of \(batches) batches least squares explains f "
                                + "completely (\(saturatedBatches) batches have at least as many g features as rows "
                                + "less one), so f_ols-batch is the batch mean of f there; give --ols-ridge (e.g. 0.01).")
            }
            outputs.append(BaselineOutput(
                stage: .olsBatch, f: batchOutput.matrix,
                settings: "regress-out of g within each of \(batches) inference batches; ols_ridge=\(relativeRidge)",
                warnings: warnings))
        }
        return outputs
    }

    /// A regress-out that explains f completely leaves, in floating point, a
    /// residual at the rounding level (about 1e-13 of f's spread) rather than
    /// exactly nothing; the scale-invariant measures would then measure
    /// rounding noise. A residual spread below `residualFloor` of f's is
    /// therefore replaced by its exact mean (f's mean), every row equal.
    static func snappingResidual(_ residual: Matrix<Double>, of f: Matrix<Double>) -> (Matrix<Double>, Bool) {
        // Both spreads in units of f's largest value, so that no square leaves the float range.
        let largest = f.storage.reduce(0) { max($0, abs($1)) }
        guard largest > 0, largest.isFinite else { return (residual, false) }
        let spread = centredTrace(f, scale: 1 / largest)
        guard spread > 0, centredTrace(residual, scale: 1 / largest) <= residualFloor * residualFloor * spread else {
            return (residual, false)
        }
        var means = [Double](repeating: 0, count: residual.columns)
        for i in 0..<residual.rows { for j in 0..<residual.columns { means[j] += residual[i, j] } }
        let constant = means.map { $0 / Double(max(1, residual.rows)) }
        return (Matrix(rows: residual.rows, columns: residual.columns,
                       storage: (0..<residual.rows).flatMap { _ in constant }), true)
    }

    /// Relative residual spread below which a regress-out counts as complete:
    /// far above double rounding (1e-16 · condition), far below any real residual.
    static let residualFloor = 1e-8

    /// tr(GcᵀGc) of one batch (of `scale`·g): the squared distances of its rows from their mean.
    static func centredTrace(_ g: Matrix<Double>, scale: Double = 1) -> Double {
        guard g.rows > 0 else { return 0 }
        var means = [Double](repeating: 0, count: g.columns)
        for i in 0..<g.rows { for j in 0..<g.columns { means[j] += scale * g.storage[i * g.columns + j] } }
        for j in means.indices { means[j] /= Double(g.rows) }
        var sum = 0.0
        for i in 0..<g.rows {
            for j in 0..<g.columns {
                let d = scale * g.storage[i * g.columns + j] - means[j]
                sum += d * d
            }
        }
        return sum
    }
}

/// f after one baseline, at the subsample rows.
struct BaselineOutput {
    let stage: Stage
    let f: Matrix<Double>
    /// What the stage's rows add to their settings column.
    let settings: String
    let warnings: [String]
}
