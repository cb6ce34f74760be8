import Linalg

/// Every input check of the module, in one place (hyppo's `_CheckInputs` idea).
enum InputValidation {
    static func shape(_ m: Matrix<Double>) -> DiagnosticsError.Shape {
        .init(rows: m.rows, columns: m.columns)
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

    /// Two operands describing the same samples.
    static func checkPair(_ x: Matrix<Double>, _ y: Matrix<Double>, statistic: String, minimumSamples: Int) throws {
        guard x.rows == y.rows else {
            throw DiagnosticsError.sampleCountMismatch(x: shape(x), y: shape(y))
        }
        try check(x, operand: "x", statistic: statistic, minimumSamples: minimumSamples)
        try check(y, operand: "y", statistic: statistic, minimumSamples: minimumSamples)
    }

    static func requirePositive(_ value: Int, _ name: String) throws {
        guard value > 0 else {
            throw DiagnosticsError.invalidSetting(name: name, value: "\(value)", requirement: "must be at least 1")
        }
    }

    /// The checks a kernel statistic starts with: the pair, its settings, and
    /// at least `minimumSamples` left after `--max-samples`. Returns the
    /// subsample to compute on. `name` labels the too-few-after-subsampling error.
    static func kernelSubsample(
        _ x: Matrix<Double>, _ y: Matrix<Double>, statistic: String, name: String, minimumSamples: Int,
        maxSamples: Int, threads: Int, permutation: PermutationSettings?
    ) throws -> Subsample {
        try checkPair(x, y, statistic: statistic, minimumSamples: minimumSamples)
        try requirePositive(maxSamples, "maxSamples")
        try requirePositive(threads, "threads")
        if let permutation { try requirePositive(permutation.permutations, "permutations") }
        let subsample = Subsample(total: x.rows, maxSamples: maxSamples)
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
