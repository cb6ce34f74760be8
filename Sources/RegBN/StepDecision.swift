import Cluster

/// What a training step decides from the normalised g batch alone — its thin SVD,
/// the thresholded spectrum, λ and how it was found, the ridge coefficients — and
/// every rank then uses.
///
/// Rank 0 computes it and broadcasts it, so that λ (which the chaotic official
/// search can move by 20 % for one ulp of input, fixtures README) is bit-identical
/// on every rank whatever LAPACK kernel or thread count another rank would have
/// used. A failure on rank 0 (an SVD that does not converge, s² + λ = 0) stops every
/// rank: rank 0 throws its own error, the others a `RemoteFailure` with its message.
struct StepDecision<T: LinalgScalar>: Sendable {
    let svd: ThinSVD<T>
    let spectrum: StepSpectrum<T>
    let source: LambdaSource
    /// λ in the module dtype (0 on fallback).
    let lambda: T
    /// `s/(s² + λ)` of the thresholded singular values.
    let coefficients: [T]
    let objectiveAtLambda: T?

    /// The decision `decide` makes on rank 0, on every rank (with one rank: `decide()`).
    static func agreed(communicator: any Communicator, decide: () throws -> StepDecision) throws -> StepDecision {
        guard communicator.size > 1 else { return try decide() }
        var decided: StepDecision?
        let header = try communicator.fromRoot(
            compute: { () throws -> Header in
                let decision = try decide()
                decided = decision
                return decision.header
            },
            encode: { header, message in header.encode(into: &message) },
            decode: { reader in try Header(from: &reader) })
        // The arrays go as module-dtype elements in one broadcast: U, s₀, s, c, Vᵀ.
        var packed = decided.map(\.packed) ?? []
        try communicator.broadcast(&packed, root: 0)
        if let decided { return decided }
        return try StepDecision(header: header, packed: packed)
    }

    /// The scalars and shapes of a decision.
    private struct Header {
        let batchRows: Int
        let rank: Int
        let gColumns: Int
        let lambda: Double
        let objectiveAtLambda: Double?
        let outcome: LambdaSearchOutcome?

        func encode(into message: inout MessageWriter) {
            for value in [batchRows, rank, gColumns] { message.append(value) }
            message.append(lambda)
            message.append(objectiveAtLambda != nil)
            message.append(objectiveAtLambda ?? 0)
            message.append(outcome != nil)
            guard let outcome else { return }
            message.append(outcome.lambda)
            message.append(outcome.fallback)
            message.append(outcome.trials.count)
            for trial in outcome.trials {
                for value in [trial.initialLambda, trial.finalLambda, trial.finalLoss] { message.append(value) }
                message.append(trial.closureEvaluations)
                message.append(trial.iterations)
            }
            message.append(outcome.initialMedian != nil)
            message.append(outcome.initialMedian ?? 0)
            message.append(outcome.evaluations)
            message.append(outcome.iterations)
        }

        init(batchRows: Int, rank: Int, gColumns: Int, lambda: Double, objectiveAtLambda: Double?,
             outcome: LambdaSearchOutcome?) {
            (self.batchRows, self.rank, self.gColumns) = (batchRows, rank, gColumns)
            (self.lambda, self.objectiveAtLambda, self.outcome) = (lambda, objectiveAtLambda, outcome)
        }

        init(from reader: inout MessageReader) throws {
            (batchRows, rank, gColumns) = (try reader.int(), try reader.int(), try reader.int())
            lambda = try reader.double()
            let hasObjective = try reader.bool()
            let objective = try reader.double()
            objectiveAtLambda = hasObjective ? objective : nil
            guard try reader.bool() else {
                outcome = nil
                return
            }
            let searched = try reader.double()
            let fallback = try reader.bool()
            let count = try reader.int()
            guard (0...1000).contains(count) else {
                throw CommunicatorError(call: "StepDecision", reason: "rank 0 announced \(count) λ trials")
            }
            var trials: [LambdaTrial] = []
            for _ in 0..<count {
                trials.append(LambdaTrial(initialLambda: try reader.double(), finalLambda: try reader.double(),
                                          finalLoss: try reader.double(), closureEvaluations: try reader.int(),
                                          iterations: try reader.int()))
            }
            let hasMedian = try reader.bool()
            let median = try reader.float()
            outcome = LambdaSearchOutcome(lambda: searched, fallback: fallback, trials: trials,
                                          initialMedian: hasMedian ? median : nil, evaluations: try reader.int(),
                                          iterations: try reader.int())
        }
    }

    private var header: Header {
        let outcome: LambdaSearchOutcome?
        if case let .searched(searched) = source { outcome = searched } else { outcome = nil }
        return Header(batchRows: svd.u.rows, rank: svd.s.count, gColumns: svd.vt.columns, lambda: Double(lambda),
                      objectiveAtLambda: objectiveAtLambda.map { Double($0) }, outcome: outcome)
    }

    private var packed: [T] {
        svd.u.storage + spectrum.raw + spectrum.thresholded + coefficients + svd.vt.storage
    }

    init(svd: ThinSVD<T>, spectrum: StepSpectrum<T>, source: LambdaSource, lambda: T, coefficients: [T],
         objectiveAtLambda: T?) {
        self.svd = svd
        self.spectrum = spectrum
        self.source = source
        self.lambda = lambda
        self.coefficients = coefficients
        self.objectiveAtLambda = objectiveAtLambda
    }

    private init(header: Header, packed: [T]) throws {
        let (b, k, q) = (header.batchRows, header.rank, header.gColumns)
        let limit = packed.count
        guard (0...limit).contains(b), (0...limit).contains(k), (0...limit).contains(q),
              packed.count == b * k + 3 * k + k * q else {
            throw CommunicatorError(call: "StepDecision",
                                    reason: "rank 0 sent \(packed.count) values for a \(b)×\(k) U and a \(k)×\(q) Vᵀ")
        }
        var offset = 0
        func take(_ count: Int) -> [T] {
            defer { offset += count }
            return Array(packed[offset..<(offset + count)])
        }
        let u = Matrix(rows: b, columns: k, storage: take(b * k))
        let raw = take(k), thresholded = take(k)
        coefficients = take(k)
        let vt = Matrix(rows: k, columns: q, storage: take(k * q))
        svd = ThinSVD(u: u, s: raw, vt: vt)
        spectrum = StepSpectrum(raw: raw, thresholded: thresholded)
        source = header.outcome.map(LambdaSource.searched) ?? .injected
        lambda = T(header.lambda)
        objectiveAtLambda = header.objectiveAtLambda.map { T($0) }
    }
}
