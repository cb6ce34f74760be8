import Cluster
import Linalg

/// Every input check of the module, in one place (hyppo's `_CheckInputs` idea).
enum InputValidation {
    static func shape(_ m: Matrix<Double>) -> DiagnosticsError.Shape {
        .init(rows: m.rows, columns: m.columns)
    }

    /// An operand's shape as the user passed it: all ranks' `columns` of features, or one label column.
    static func shape(_ operand: Operand, columns: Int) -> DiagnosticsError.Shape {
        switch operand {
        case .continuous(let m): return .init(rows: m.rows, columns: columns)
        case .categorical(let labels): return .init(rows: labels.count, columns: 1)
        }
    }

    /// One operand: at least one feature, finite everywhere, `minimumSamples` rows.
    static func check(_ m: Matrix<Double>, operand: String, statistic: String, minimumSamples: Int) throws {
        guard m.columns > 0 else { throw DiagnosticsError.noFeatures(operand: operand, shape: shape(m)) }
        guard m.rows >= minimumSamples else {
            throw DiagnosticsError.tooFewSamples(statistic: statistic, needed: minimumSamples, got: m.rows)
        }
        if let bad = m.storage.firstIndex(where: { !$0.isFinite }) {
            throw DiagnosticsError.nonFinite(operand: operand, sample: bad / m.columns,
                                             feature: bad % m.columns, value: m.storage[bad])
        }
    }

    /// One operand's block on this rank (columns `offset ..< offset + width` of `total`):
    /// at least one feature over all ranks, `minimumSamples` rows, finite everywhere (a
    /// non-finite value is named by its feature's index in the whole operand). Local:
    /// callers agree on the outcome across ranks.
    private static func checkBlock(_ operand: Operand, name: String, statistic: String, minimumSamples: Int,
                                   offset: Int, total: Int) throws {
        switch operand {
        case .continuous(let m):
            guard total > 0 else {
                throw DiagnosticsError.noFeatures(operand: name, shape: .init(rows: m.rows, columns: total))
            }
            guard m.rows >= minimumSamples else {
                throw DiagnosticsError.tooFewSamples(statistic: statistic, needed: minimumSamples, got: m.rows)
            }
            if let bad = m.storage.firstIndex(where: { !$0.isFinite }) {
                throw DiagnosticsError.nonFinite(operand: name, sample: bad / m.columns,
                                                 feature: offset + bad % m.columns, value: m.storage[bad])
            }
        case .categorical(let labels):
            guard labels.count >= minimumSamples else {
                throw DiagnosticsError.tooFewSamples(statistic: statistic, needed: minimumSamples, got: labels.count)
            }
        }
    }

    /// One operand's block, the outcome agreed by every rank of `layout`.
    static func check(_ operand: Operand, name: String, statistic: String, minimumSamples: Int,
                      layout: BlockLayout, offset: Int, total: Int) throws {
        try layout.communicator.agreeing {
            try checkBlock(operand, name: name, statistic: statistic, minimumSamples: minimumSamples,
                           offset: offset, total: total)
        }
    }

    /// Two operands describing the same samples (each rank its blocks of them); an error
    /// on any rank stops every rank.
    static func checkPair(_ x: Operand, _ y: Operand, statistic: String, minimumSamples: Int,
                          layout: BlockLayout) throws {
        try layout.communicator.agreeing {
            guard x.sampleCount == y.sampleCount else {
                throw DiagnosticsError.sampleCountMismatch(x: shape(x, columns: layout.xTotal),
                                                           y: shape(y, columns: layout.yTotal))
            }
            try checkBlock(x, name: "x", statistic: statistic, minimumSamples: minimumSamples,
                           offset: layout.xOffset, total: layout.xTotal)
            try checkBlock(y, name: "y", statistic: statistic, minimumSamples: minimumSamples,
                           offset: layout.yOffset, total: layout.yTotal)
        }
    }

    /// Two whole operands in this process.
    static func checkPair(_ x: Operand, _ y: Operand, statistic: String, minimumSamples: Int) throws {
        try checkPair(x, y, statistic: statistic, minimumSamples: minimumSamples,
                      layout: try BlockLayout.of(x, y, communicator: SingleProcess()))
    }

    static func checkPair(_ x: Matrix<Double>, _ y: Matrix<Double>, statistic: String, minimumSamples: Int) throws {
        try checkPair(.continuous(x), .continuous(y), statistic: statistic, minimumSamples: minimumSamples)
    }

    static func requirePositive(_ value: Int, _ name: String) throws {
        guard value > 0 else {
            throw DiagnosticsError.invalidSetting(name: name, value: "\(value)", requirement: "must be at least 1")
        }
    }

    /// The checks an n×n statistic starts with: the pair, its settings, the
    /// strata and at least `minimumSamples` left after subsampling. Returns the
    /// subsample to compute on. `name` labels the too-few-after-subsampling error.
    static func kernelSubsample(
        _ x: Operand, _ y: Operand, strata: CategoricalLabels?, statistic: String, name: String,
        minimumSamples: Int, maxSamples: Int, method: SubsampleMethod, threads: Int,
        permutation: PermutationSettings?, bootstrap: BootstrapSettings?, layout: BlockLayout
    ) throws -> Subsample {
        try checkPair(x, y, statistic: statistic, minimumSamples: minimumSamples, layout: layout)
        try requirePositive(maxSamples, "maxSamples")
        try requirePositive(threads, "threads")
        if let permutation { try requirePositive(permutation.permutations, "permutations") }
        try bootstrap?.validate()
        if let strata, strata.count != x.sampleCount {
            throw DiagnosticsError.strataCountMismatch(samples: x.sampleCount, labels: strata.count)
        }
        let subsample = Subsample(total: x.sampleCount, maxSamples: maxSamples, method: method)
        guard subsample.used >= minimumSamples else {
            throw DiagnosticsError.tooFewSamples(statistic: "\(name) (after subsampling to maxSamples)",
                                                 needed: minimumSamples, got: subsample.used)
        }
        return subsample
    }

    /// At least one full batch of at least one feature. Non-finite values are
    /// not an error here: spectra flag such batches and go on with the others.
    static func checkBatches(_ m: Matrix<Double>, batchSize: Int) throws {
        try requirePositive(batchSize, "batch size")
        guard m.columns > 0 else { throw DiagnosticsError.noFeatures(operand: "x", shape: shape(m)) }
        guard m.rows >= batchSize else {
            throw DiagnosticsError.tooFewSamples(statistic: "a spectrum with batches of \(batchSize)",
                                                 needed: batchSize, got: m.rows)
        }
    }
}
