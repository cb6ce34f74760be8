/// The one check that `--batch-size` leaves at least one full batch of
/// samples (the spectra and the emulated training both need one).
enum FullBatches {
    /// ⌊samples / batchSize⌋, or an error saying what the batch was for
    /// (`purpose`: "train on", "analyse") and what to do instead.
    @discardableResult
    static func count(samples: Int, batchSize: Int, of what: String, purpose: String,
                      alternative: String? = nil) throws -> Int {
        guard samples >= batchSize else {
            throw InputError("--batch-size \(batchSize) is larger than the \(samples) \(what): no full batch to "
                             + "\(purpose). Use a batch size of at most \(samples)"
                             + (alternative.map { ", or \($0)." } ?? "."))
        }
        return samples / batchSize
    }
}
