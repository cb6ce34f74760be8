/// How a training step gets its λ.
public enum LambdaChoice: Sendable, Equatable {
    /// Search with the configured solver (`.lbfgs` official, or `.root`).
    case search
    /// Use this λ (replay of a logged run); 0 means the λ = 0 pseudo-inverse fallback.
    case given(Double)
}

/// Outputs of an inference (eval-mode) forward.
public struct InferenceResult<T: LinalgScalar>: Sendable {
    public let f: Matrix<T>
    public let g: Matrix<T>
    /// True when the batch held NaN and was returned unchanged.
    public let returnedInputs: Bool
}

/// The official RegBN module (mogvision/RegBN, `RegBN.forward`) as a value type.
///
/// Batches are samples × flattened features in C order (channel major, then
/// spatial): f is b × P, g is b × Q with P, Q from the configuration. Arithmetic
/// runs in `T`: `Float` follows the official float32 run, `Double` the float64 one.
///
/// Deviations from the official code (both documented in README.md): ±infinity in
/// an input throws `RegBNError.infiniteInput` instead of latching the module into
/// returning its inputs forever; an SVD failure throws instead of latching.
public struct RegBNModule<T: LinalgScalar>: Sendable {
    public let configuration: RegBNConfiguration
    public private(set) var normF: InputNormalizer<T>
    public private(set) var normG: InputNormalizer<T>
    public private(set) var projection: RunningProjection<T>
    public private(set) var lambdaHistory = LambdaHistory()
    /// Buffers one training step fills and the next reuses. Allocating them afresh cost
    /// page faults on every step: glibc hands freed memory above 128 KiB back to the
    /// system and the next step touches it anew (NOTES.md: fresh pages are slow here).
    private var scratch = StepScratch<T>()

    public init(configuration: RegBNConfiguration) throws {
        try configuration.validate()
        MemoryPolicy.keepFreedMemory()
        self.configuration = configuration
        normF = InputNormalizer(kind: configuration.fInputNormalization, channels: configuration.fChannels,
                                configuration: configuration)
        normG = InputNormalizer(kind: configuration.gInputNormalization, channels: configuration.gChannels,
                                configuration: configuration)
        projection = RunningProjection(rows: configuration.gFeatureCount, columns: configuration.fFeatureCount)
    }

    /// One training-mode forward (`is_training=True, n_epoch=epoch, steps_per_epoch=stepsPerEpoch`).
    ///
    /// A batch holding NaN comes back unchanged and leaves every state untouched.
    /// OpenBLAS runs on one thread during the step (its small factorisations are faster
    /// so); the running-W update spreads W's column shards over `BLAS.threadCount` threads
    /// instead. The results do not depend on the thread count.
    /// - Throws: `RegBNError.shapeMismatch`, `.infiniteInput`, `.decompositionFailed`,
    ///   `.invalidLambdaSchedule` (a given λ that is negative or not finite),
    ///   `.singularRegularisedSpectrum`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public mutating func trainingStep(f: Matrix<T>, g: Matrix<T>, epoch: Int, stepsPerEpoch: Int,
                                      lambda choice: LambdaChoice = .search) throws -> TrainingStepResult<T> {
        try BLAS.withSingleThread { threads in
            try trainingStep(f: f, g: g, epoch: epoch, stepsPerEpoch: stepsPerEpoch, lambda: choice, threads: threads)
        }
    }

    private mutating func trainingStep(f: Matrix<T>, g: Matrix<T>, epoch: Int, stepsPerEpoch: Int,
                                       lambda choice: LambdaChoice, threads: Int) throws -> TrainingStepResult<T> {
        try checkShapes(f, g)
        let (scanF, scanG) = (nonFiniteScan(f.storage), nonFiniteScan(g.storage))
        if scanF.hasNaN || scanG.hasNaN {
            return TrainingStepResult(f: f, g: g, returnedInputs: true, epoch: epoch, lambdaSource: nil, lambda: nil,
                                      lambdaAppended: nil, fallback: false, historyCountBefore: lambdaHistory.count,
                                      historyMedianBefore: nil, spectrum: nil, objectiveAtLambda: nil, update: nil,
                                      factors: nil, wFrobeniusAfter: nil)
        }
        try rejectInfinity(scanF, f, "f")
        try rejectInfinity(scanG, g, "g")
        if case let .given(value) = choice, !(value.isFinite && value >= 0) {
            throw RegBNError.invalidLambdaSchedule("λ = \(value) at epoch \(epoch); replayed λ's must be finite and ≥ 0")
        }

        // Normalisers run on copies that replace the state only once the step succeeded,
        // so a thrown error leaves the module as it was.
        var (nextNormF, nextNormG) = (normF, normG)
        // Scratch shared with a copy of this module is replaced, never written.
        if !isKnownUniquelyReferenced(&scratch) { scratch = StepScratch() }
        nextNormF.normalizeTraining(f, into: &scratch.normalizedF)
        let normalizedF = scratch.normalizedF
        let normalizedG = nextNormG.normalizeTraining(g)
        // A LayerNorm input normalisation of g is bit for bit the output LayerNorm of g.
        let gOut = configuration.normalizeOutput && nextNormG == .layerNorm(eps: configuration.layerNormEps)
            ? normalizedG : nil
        let svd: ThinSVD<T>
        do { svd = try thinSVD(consume normalizedG) } catch { throw RegBNError.decompositionFailed("\(error)") }
        let spectrum = StepSpectrum(raw: svd.s, thresholded: threshold(svd.s))
        let objective = spectrum.objective

        let source: LambdaSource
        let lambda: T
        switch choice {
        case .search:
            let outcome = configuration.lambdaSolver == .lbfgs
                ? try OfficialLambdaSearch.run(objective, history: lambdaHistory)
                : RootLambdaSolver.solve(objective)
            source = .searched(outcome)
            lambda = T(outcome.lambda)
        case let .given(value):
            source = .injected
            lambda = T(value)
        }

        let coefficients = try ridgeCoefficients(singularValues: spectrum.thresholded, lambda: lambda)
        let factors = RidgeFactors(svd: svd, coefficients: coefficients, normalizedF: normalizedF)
        let objectiveAtLambda = lambda == 0 ? nil : try objective.value(at: lambda)
        (normF, normG) = (nextNormF, nextNormG)
        let update = projection.update(with: factors, epoch: epoch, beta1: configuration.beta1,
                                       beta2: configuration.beta2, momentum: configuration.momentum, threads: threads)
        let countBefore = lambdaHistory.count
        let medianBefore = countBefore > 3 ? lambdaHistory.lowerMedian : nil
        let appended = Float(lambda)
        lambdaHistory.append(appended, keep: stepsPerEpoch)

        // Training output: raw f minus raw g through this batch's W_hat (quirks 4 and 6).
        let outputs = normalizedOutputs(residual: factors.residual(f, minusProjectionOf: g), g: g, normalizedG: gOut)
        return TrainingStepResult(
            f: outputs.f, g: outputs.g, returnedInputs: false, epoch: epoch, lambdaSource: source, lambda: lambda,
            lambdaAppended: appended, fallback: lambda == 0, historyCountBefore: countBefore,
            historyMedianBefore: medianBefore, spectrum: spectrum, objectiveAtLambda: objectiveAtLambda, update: update,
            factors: factors, wFrobeniusAfter: update.wFrobeniusAfter)
    }

    /// One inference forward (`is_training=False`): `f − g·W` with the running W,
    /// output-normalised. No state changes (BatchNorm statistics are only read by
    /// the official code and never reach the outputs).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func inference(f: Matrix<T>, g: Matrix<T>) throws -> InferenceResult<T> {
        try checkShapes(f, g)
        let (scanF, scanG) = (nonFiniteScan(f.storage), nonFiniteScan(g.storage))
        if scanF.hasNaN || scanG.hasNaN { return InferenceResult(f: f, g: g, returnedInputs: true) }
        try rejectInfinity(scanF, f, "f")
        try rejectInfinity(scanG, g, "g")
        var residual = f
        projection.subtractProjection(of: g, from: &residual)  // f − g·W, one GEMM per shard
        let (fOut, gOut) = normalizedOutputs(residual: residual, g: g)
        return InferenceResult(f: fOut, g: gOut, returnedInputs: false)
    }

    /// The official objective at `lambda` for a spectrum (e.g. the fixtures' objective grid).
    public static func objective(_ spectrum: StepSpectrum<T>, at lambda: Double) throws -> T {
        try spectrum.objective.value(at: T(lambda))
    }

    // MARK: - Pieces

    private func threshold(_ s: [T]) -> [T] {
        let threshold = (s.max() ?? 0) * T(configuration.sigmaThr)
        let floor = T(configuration.sigmaMin)
        return s.map { $0 > threshold ? $0 : floor }
    }

    /// The residual `f − g·W` and g, LayerNormed when `normalizeOutput`; `normalizedG`,
    /// when given, is g's LayerNorm already computed.
    private func normalizedOutputs(residual: consuming Matrix<T>, g: Matrix<T>,
                                   normalizedG: Matrix<T>? = nil) -> (f: Matrix<T>, g: Matrix<T>) {
        guard configuration.normalizeOutput else { return (residual, g) }
        layerNormRows(&residual, eps: configuration.layerNormEps)
        if let normalizedG { return (residual, normalizedG) }
        var gOut = g
        layerNormRows(&gOut, eps: configuration.layerNormEps)
        return (residual, gOut)
    }

    private func checkShapes(_ f: Matrix<T>, _ g: Matrix<T>) throws {
        let p = configuration.fFeatureCount, q = configuration.gFeatureCount
        guard f.columns == p else {
            throw RegBNError.shapeMismatch("f has \(f.columns) features per sample, the configuration (channels \(configuration.fChannels), spatial \(configuration.fSpatialShape)) needs \(p)")
        }
        guard g.columns == q else {
            throw RegBNError.shapeMismatch("g has \(g.columns) features per sample, the configuration (channels \(configuration.gChannels), spatial \(configuration.gSpatialShape)) needs \(q)")
        }
        guard f.rows == g.rows, f.rows > 0 else {
            throw RegBNError.shapeMismatch("f and g batches need the same, positive number of samples (got \(f.rows) and \(g.rows))")
        }
    }

    private func rejectInfinity(_ scan: (hasNaN: Bool, firstInfinity: Int?), _ x: Matrix<T>, _ name: String) throws {
        if let index = scan.firstInfinity {
            throw RegBNError.infiniteInput(modality: name, row: index / x.columns, column: index % x.columns)
        }
    }
}

/// Whether `values` hold NaN, and where the first ±infinity is: one vectorised pass
/// when everything is finite, a second, element by element, to find what is not.
@_specialize(where T == Float)
@_specialize(where T == Double)
func nonFiniteScan<T: LinalgScalar>(_ values: [T]) -> (hasNaN: Bool, firstInfinity: Int?) {
    if allFinite(values) { return (false, nil) }
    var hasNaN = false
    var firstInfinity: Int?
    for i in values.indices where !values[i].isFinite {
        if values[i].isNaN { hasNaN = true } else if firstInfinity == nil { firstInfinity = i }
    }
    return (hasNaN, firstInfinity)
}

/// Buffers a training step reuses (scratch, never state). Only a module that holds the
/// sole reference writes them (`isKnownUniquelyReferenced` before each step), so a copy
/// of the module never sees another's scratch change.
final class StepScratch<T: LinalgScalar>: @unchecked Sendable {
    /// The normalised f batch, read only by the step that writes it.
    var normalizedF = Matrix<T>(rows: 0, columns: 0)
}
