/// How the multiplier λ of each training step is chosen.
public enum LambdaSolver: String, Sendable, Codable, CaseIterable {
    /// The official search: up to five runs of torch's L-BFGS (no line search, lr 1)
    /// on `|h(λ) − 1|`, then the official trial/acceptance rules and the λ = 0 fallback.
    case lbfgs
    /// Deviation (named option): the same equation `h(λ) = 1` solved exactly by a
    /// safeguarded Newton/bisection iteration in log λ. When no root exists in
    /// (0, 1e8) the step falls back to λ = 0 like a failed official search.
    case root
}

/// Which input normalisation the official module builds for a modality.
public enum InputNormalization: String, Sendable, Codable {
    case identity
    /// LayerNorm over all non-batch axes (vectors and 1-D sequences).
    case layerNorm
    /// BatchNorm2d / BatchNorm3d over channels (2 or 3 spatial axes).
    case batchNorm2d, batchNorm3d

    /// The official rule: LayerNorm when there are fewer than two spatial
    /// axes, BatchNorm{2,3}d otherwise, identity when disabled.
    public static func official(enabled: Bool, spatialShape: [Int]) -> InputNormalization {
        guard enabled else { return .identity }
        switch spatialShape.count {
        case 0, 1: return .layerNorm
        case 2: return .batchNorm2d
        default: return .batchNorm3d
        }
    }

    /// The torch class name, as written into reports (`Identity`, `LayerNorm`, `BatchNorm2d`…).
    public var torchName: String {
        switch self {
        case .identity: return "Identity"
        case .layerNorm: return "LayerNorm"
        case .batchNorm2d: return "BatchNorm2d"
        case .batchNorm3d: return "BatchNorm3d"
        }
    }
}

/// Every setting of the official `RegBN` module, with the official defaults.
///
/// Features are passed flattened in C order (channel major, then spatial), so the
/// channel count and spatial shape are what tell BatchNorm where channels are.
public struct RegBNConfiguration: Sendable, Codable, Equatable {
    public var fChannels: Int
    public var fSpatialShape: [Int]
    public var gChannels: Int
    public var gSpatialShape: [Int]
    public var normalizeInput: Bool
    public var normalizeOutput: Bool
    /// BatchNorm/LayerNorm affine parameters; they start at weight 1, bias 0 and never
    /// change here, so this only names the layers (no numeric effect).
    public var affine: Bool
    /// Singular values `s ≤ max(s)·sigmaThr` are replaced by `sigmaMin`.
    public var sigmaThr: Double
    public var sigmaMin: Double
    public var beta1: Double
    public var beta2: Double
    public var momentum: Double
    public var lambdaSolver: LambdaSolver
    public var batchNormEps: Double
    public var batchNormMomentum: Double
    public var layerNormEps: Double

    public init(fChannels: Int, fSpatialShape: [Int] = [], gChannels: Int, gSpatialShape: [Int] = [],
                normalizeInput: Bool = false, normalizeOutput: Bool = true, affine: Bool = false,
                sigmaThr: Double = 0, sigmaMin: Double = 0,
                beta1: Double = 0.9, beta2: Double = 0.99, momentum: Double = 0.02,
                lambdaSolver: LambdaSolver = .lbfgs,
                batchNormEps: Double = 1e-5, batchNormMomentum: Double = 0.1, layerNormEps: Double = 1e-5) {
        self.fChannels = fChannels
        self.fSpatialShape = fSpatialShape
        self.gChannels = gChannels
        self.gSpatialShape = gSpatialShape
        self.normalizeInput = normalizeInput
        self.normalizeOutput = normalizeOutput
        self.affine = affine
        self.sigmaThr = sigmaThr
        self.sigmaMin = sigmaMin
        self.beta1 = beta1
        self.beta2 = beta2
        self.momentum = momentum
        self.lambdaSolver = lambdaSolver
        self.batchNormEps = batchNormEps
        self.batchNormMomentum = batchNormMomentum
        self.layerNormEps = layerNormEps
    }

    /// `P = Cf·∏df`, the flattened f width.
    public var fFeatureCount: Int { fSpatialShape.reduce(fChannels, *) }
    /// `Q = Cg·∏dg`, the flattened g width.
    public var gFeatureCount: Int { gSpatialShape.reduce(gChannels, *) }

    public var fInputNormalization: InputNormalization {
        .official(enabled: normalizeInput, spatialShape: fSpatialShape)
    }
    public var gInputNormalization: InputNormalization {
        .official(enabled: normalizeInput, spatialShape: gSpatialShape)
    }

    /// Checks what the official constructor asserts plus what the shapes need.
    public func validate() throws {
        func fail(_ reason: String) -> RegBNError { .invalidConfiguration(reason) }
        guard fChannels > 0, gChannels > 0 else { throw fail("channel counts must be positive (f \(fChannels), g \(gChannels))") }
        guard (fSpatialShape + gSpatialShape).allSatisfy({ $0 > 0 }) else {
            throw fail("spatial sizes must be positive (f \(fSpatialShape), g \(gSpatialShape))")
        }
        // The official module picks nn.BatchNorm{k}d for k spatial axes; torch has none beyond 3 (volumes).
        for (name, spatial) in [("f", fSpatialShape), ("g", gSpatialShape)] where spatial.count > 3 {
            throw fail("\(name) has \(spatial.count) spatial axes \(spatial); RegBN takes at most 3 (vectors, signals, "
                       + "images, volumes: the official module has no BatchNorm\(spatial.count)d). Merge the extra axes "
                       + "into one before dumping.")
        }
        guard beta1 < 1, beta2 < 1 else { throw fail("beta1 and beta2 must be < 1 (got \(beta1), \(beta2))") }
        guard sigmaThr >= 0, sigmaMin >= 0 else { throw fail("sigma-thr and sigma-min must be ≥ 0") }
        guard batchNormEps > 0, layerNormEps > 0 else { throw fail("normalisation eps must be > 0") }
    }
}
