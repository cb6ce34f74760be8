import Linalg

/// Least-squares regress-out of g from f within one mini-batch (stage
/// `ols-batch`), the Metadata-Normalization way (Lu, Adeli & Pohl, CVPR 2021,
/// which regresses the metadata out of the features batch by batch):
/// ```
/// f_b,ols = F_b − P·F_b,   P = Gc(GcᵀGc + εI)⁺Gcᵀ = GcGcᵀ(GcGcᵀ + εI)⁺   (Gc, Fc: batch-centred)
/// ```
/// with the same intercept convention as `OLSAccumulator` (fitted, f's batch
/// mean kept: P annihilates constants). Solved in whichever of the two forms is
/// smaller: the m × m normal matrix or the b × b Gram matrix of the batch.
///
/// Meaningful when g has fewer features than the batch has samples (metadata,
/// a few confounders). When m ≥ b − 1 and ε = 0, the centred g batch spans
/// every centred direction of the batch, P is the full centring projection and
/// f_b,ols is f's batch mean in every row: everything is "explained". That is
/// why RegBN regularises; give `ridge` > 0 for a ridge regress-out instead.
public struct BatchRegressOut: Sendable {
    public let ridge: Double

    public init(ridge: Double = 0) {
        self.ridge = ridge
    }

    /// One batch of f (b × n) with g (b × m) regressed out.
    public func callAsFunction<T: LinalgScalar>(f: Matrix<T>, g: Matrix<T>) throws -> Matrix<T> {
        let batch = try BatchMoments(f: f, g: g, featuresF: f.columns, featuresG: g.columns)
        let explained: Matrix<Double>
        if g.columns <= g.rows {
            let w = try regressionWeights(gg: batch.gg, gf: batch.gf, samples: g.rows, ridge: ridge)
            explained = matmul(batch.gc, w)
        } else {
            let gram = matmul(batch.gc, batch.gc, transposeB: true)            // b × b
            let coefficients = try regressionWeights(gg: gram, gf: batch.fc, samples: g.columns, ridge: ridge)
            explained = matmul(gram, coefficients)
        }
        var out = f.converted(to: Double.self)
        for k in out.storage.indices { out.storage[k] -= explained.storage[k] }
        return out.converted(to: T.self)
    }
}
