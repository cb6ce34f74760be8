import Cluster

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
/// Sharded over ranks (`communicator`, one rank by default): each rank holds a block
/// of f's columns (`shard`, from `plan`) and passes only those columns of f, while g
/// is whole on every rank. The rank keeps its columns of the running W and of f's
/// BatchNorm statistics and returns its columns of the f outputs; per-sample and
/// per-channel sums and the gap of the running-W blend are added up across ranks, and
/// rank 0 decomposes g and chooses λ for all (`StepDecision`). With one rank this is
/// the whole module; every rank must call every step and inference in the same order.
///
/// Deviations from the official code (both documented in README.md): ±infinity in
/// an input throws `RegBNError.infiniteInput` instead of latching the module into
/// returning its inputs forever; an SVD failure throws instead of latching.
public struct RegBNModule<T: LinalgScalar>: Sendable {
    public let configuration: RegBNConfiguration
    /// How f's columns are spread over the ranks.
    public let plan: RegBNShardPlan
    /// The columns of f this rank holds.
    public let shard: FeatureShard
    public let communicator: any Communicator
    /// f's input normalisation, with the statistics of this rank's channels.
    public private(set) var normF: InputNormalizer<T>
    public private(set) var normG: InputNormalizer<T>
    /// This rank's columns of the running W.
    public private(set) var projection: RunningProjection<T>
    public private(set) var lambdaHistory = LambdaHistory()
    /// Buffers one training step fills and the next reuses. Allocating them afresh cost
    /// page faults on every step: glibc hands freed memory above 128 KiB back to the
    /// system and the next step touches it anew (NOTES.md: fresh pages are slow here).
    private var scratch = StepScratch<T>()

    /// - Throws: `RegBNError.invalidConfiguration`, also when the communicator has more
    ///   ranks than f has columns (`RegBNShardPlan`).
    public init(configuration: RegBNConfiguration, communicator: any Communicator = SingleProcess()) throws {
        try configuration.validate()
        MemoryPolicy.keepFreedMemory()
        self.configuration = configuration
        self.communicator = communicator
        plan = try RegBNShardPlan(configuration: configuration, ranks: communicator.size)
        shard = plan.shard(rank: communicator.rank)
        normF = InputNormalizer(kind: configuration.fInputNormalization, channels: shard.channels,
                                configuration: configuration)
        normG = InputNormalizer(kind: configuration.gInputNormalization, channels: 0..<configuration.gChannels,
                                configuration: configuration)
        projection = RunningProjection(rows: configuration.gFeatureCount, globalColumns: shard.columns,
                                       totalColumns: configuration.fFeatureCount)
    }

    /// f's columns on this rank, and what crosses to the other ranks.
    private var fContext: ShardContext {
        ShardContext(shard: shard, channelsAreLocal: plan.isChannelAligned, communicator: communicator)
    }

    /// g: whole on every rank.
    private var gContext: ShardContext {
        .whole(columns: configuration.gFeatureCount, spatialSize: configuration.gFeatureCount / configuration.gChannels)
    }

    /// One training-mode forward (`is_training=True, n_epoch=epoch, steps_per_epoch=stepsPerEpoch`)
    /// of this rank's columns of `f` (b × `shard.width`) and the whole `g`.
    ///
    /// A batch holding NaN (on any rank) comes back unchanged and leaves every state
    /// untouched. OpenBLAS runs on one thread during the step (its small factorisations
    /// are faster so); the running-W update spreads W's column blocks over
    /// `BLAS.threadCount` threads instead. The results do not depend on the thread count.
    /// - Throws: `RegBNError.shapeMismatch`, `.infiniteInput`, `.decompositionFailed`,
    ///   `.invalidLambdaSchedule` (a given λ that is negative or not finite),
    ///   `.singularRegularisedSpectrum`; on ranks other than 0 a failure of rank 0's
    ///   part arrives as `RemoteFailure`; `CommunicatorError` when the ranks cannot talk.
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
        if try holdsNaN(f, g) {
            return TrainingStepResult(f: f, g: g, returnedInputs: true, epoch: epoch, lambdaSource: nil, lambda: nil,
                                      lambdaAppended: nil, fallback: false, historyCountBefore: lambdaHistory.count,
                                      historyMedianBefore: nil, spectrum: nil, objectiveAtLambda: nil, update: nil,
                                      factors: nil, wFrobeniusAfter: nil)
        }
        if case let .given(value) = choice, !(value.isFinite && value >= 0) {
            throw RegBNError.invalidLambdaSchedule("λ = \(value) at epoch \(epoch); replayed λ's must be finite and ≥ 0")
        }

        // Normalisers run on copies that replace the state only once the step succeeded,
        // so a thrown error leaves the module as it was.
        var (nextNormF, nextNormG) = (normF, normG)
        // Scratch shared with a copy of this module is replaced, never written.
        if !isKnownUniquelyReferenced(&scratch) { scratch = StepScratch() }
        try nextNormF.normalizeTraining(f, into: &scratch.normalizedF, context: fContext)
        let normalizedF = scratch.normalizedF
        var gBuffer = Matrix<T>(rows: 0, columns: 0)
        try nextNormG.normalizeTraining(g, into: &gBuffer, context: gContext)
        // Handed to rank 0's SVD at its last use, so that LAPACK decomposes it in place.
        var normalizedG: Matrix<T>? = consume gBuffer
        // A LayerNorm input normalisation of g is bit for bit the output LayerNorm of g.
        let gOut = configuration.normalizeOutput && nextNormG == .layerNorm(eps: configuration.layerNormEps)
            ? normalizedG : nil
        let decision = try StepDecision.agreed(communicator: communicator) {
            try decide(normalizedG.take() ?? Matrix(rows: 0, columns: 0), choice)
        }
        let factors = RidgeFactors(svd: decision.svd, coefficients: decision.coefficients, normalizedF: normalizedF)
        (normF, normG) = (nextNormF, nextNormG)
        let update = try projection.update(with: factors, epoch: epoch, beta1: configuration.beta1,
                                           beta2: configuration.beta2, momentum: configuration.momentum,
                                           threads: threads, communicator: communicator)
        let countBefore = lambdaHistory.count
        let medianBefore = countBefore > 3 ? lambdaHistory.lowerMedian : nil
        let appended = Float(decision.lambda)
        lambdaHistory.append(appended, keep: stepsPerEpoch)

        // Training output: raw f minus raw g through this batch's W_hat (quirks 4 and 6).
        let outputs = try normalizedOutputs(residual: factors.residual(f, minusProjectionOf: g), g: g, normalizedG: gOut)
        return TrainingStepResult(
            f: outputs.f, g: outputs.g, returnedInputs: false, epoch: epoch, lambdaSource: decision.source,
            lambda: decision.lambda, lambdaAppended: appended, fallback: decision.lambda == 0,
            historyCountBefore: countBefore, historyMedianBefore: medianBefore, spectrum: decision.spectrum,
            objectiveAtLambda: decision.objectiveAtLambda, update: update, factors: factors,
            wFrobeniusAfter: update.wFrobeniusAfter)
    }

    /// Rank 0's part of a step: the SVD of the normalised g batch, the thresholded
    /// spectrum, λ (searched or given) and the ridge coefficients.
    private func decide(_ normalizedG: consuming Matrix<T>, _ choice: LambdaChoice) throws -> StepDecision<T> {
        let svd: ThinSVD<T>
        do { svd = try thinSVD(normalizedG) } catch { throw RegBNError.decompositionFailed("\(error)") }
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
        return StepDecision(svd: svd, spectrum: spectrum, source: source, lambda: lambda, coefficients: coefficients,
                            objectiveAtLambda: lambda == 0 ? nil : try objective.value(at: lambda))
    }

    /// One inference forward (`is_training=False`): `f − g·W` with the running W, on
    /// this rank's columns of f, output-normalised. No state changes (BatchNorm
    /// statistics are only read by the official code and never reach the outputs).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func inference(f: Matrix<T>, g: Matrix<T>) throws -> InferenceResult<T> {
        if try holdsNaN(f, g) { return InferenceResult(f: f, g: g, returnedInputs: true) }
        var residual = f
        projection.subtractProjection(of: g, from: &residual)  // f − g·W, one GEMM per block
        let (fOut, gOut) = try normalizedOutputs(residual: residual, g: g)
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

    /// The residual `f − g·W` and g, LayerNormed when `normalizeOutput` (each sample
    /// over all ranks' columns); `normalizedG`, when given, is g's LayerNorm already computed.
    private func normalizedOutputs(residual: consuming Matrix<T>, g: Matrix<T>,
                                   normalizedG: Matrix<T>? = nil) throws -> (f: Matrix<T>, g: Matrix<T>) {
        guard configuration.normalizeOutput else { return (residual, g) }
        try layerNormRows(&residual, eps: configuration.layerNormEps, context: fContext)
        if let normalizedG { return (residual, normalizedG) }
        var gOut = g
        try layerNormRows(&gOut, eps: configuration.layerNormEps, context: gContext)
        return (residual, gOut)
    }

    /// Checks the batch's shapes (a wrong block on any rank stops every rank) and
    /// whether it holds NaN on any rank (it is then returned unchanged). ±infinity is
    /// an error on every rank, naming the first one in f (row, then f's global column),
    /// else the first in g.
    private func holdsNaN(_ f: Matrix<T>, _ g: Matrix<T>) throws -> Bool {
        try communicator.agreeing { try checkShapes(f, g) }
        let (scanF, scanG) = (nonFiniteScan(f.storage), nonFiniteScan(g.storage))
        var hasNaN = scanF.hasNaN || scanG.hasNaN
        var infinityF = scanF.firstInfinity.map { (row: $0 / f.columns, column: shard.columns.lowerBound + $0 % f.columns) }
        if communicator.size > 1 {
            let reports = try communicator.allgather([hasNaN ? 1 : 0, infinityF?.row ?? -1, infinityF?.column ?? -1])
            hasNaN = reports.contains { $0[0] != 0 }
            infinityF = reports.filter { $0[1] >= 0 }.map { (row: $0[1], column: $0[2]) }
                .min { ($0.row, $0.column) < ($1.row, $1.column) }
        }
        if hasNaN { return true }
        if let infinityF { throw RegBNError.infiniteInput(modality: "f", row: infinityF.row, column: infinityF.column) }
        if let index = scanG.firstInfinity {
            throw RegBNError.infiniteInput(modality: "g", row: index / g.columns, column: index % g.columns)
        }
        return false
    }

    private func checkShapes(_ f: Matrix<T>, _ g: Matrix<T>) throws {
        let p = configuration.fFeatureCount, q = configuration.gFeatureCount
        let layout = "channels \(configuration.fChannels), spatial \(configuration.fSpatialShape)"
        guard f.columns == shard.width else {
            throw RegBNError.shapeMismatch(shard.isWhole
                ? "f has \(f.columns) features per sample, the configuration (\(layout)) needs \(p)"
                : "f's block on rank \(communicator.rank) of \(communicator.size) has \(f.columns) columns, but that "
                    + "rank holds columns \(shard.columns) (\(shard.width)) of the configuration's \(p) (\(layout))")
        }
        guard g.columns == q else {
            throw RegBNError.shapeMismatch("g has \(g.columns) features per sample, the configuration (channels \(configuration.gChannels), spatial \(configuration.gSpatialShape)) needs \(q)")
        }
        guard f.rows == g.rows, f.rows > 0 else {
            throw RegBNError.shapeMismatch("f and g batches need the same, positive number of samples (got \(f.rows) and \(g.rows))")
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
