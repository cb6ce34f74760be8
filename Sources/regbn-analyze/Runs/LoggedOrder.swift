/// `--order FILE:/dataset`: the sample order of a logged training run, checked
/// against the schedule before anything is trained.
///
/// Accepted shapes: `[E, N]` (one permutation of 0..<N per epoch, as
/// `regbn_log.py` and `normalize` write it), `[E, L]` with `L` the indices an
/// epoch consumes when the last partial batch is dropped, or the flat sequence
/// of either (`E·N` or `E·L` indices consumed batch by batch).
enum LoggedOrder {
    /// The indices each epoch consumes, `epochs` arrays of `schedule.samplesPerEpoch`.
    static func epochs(values: [Int64], shape: [Int], argument: String,
                       schedule: TrainingSchedule) throws -> [[Int]] {
        let n = schedule.sampleCount, e = schedule.epochs, used = schedule.samplesPerEpoch
        let rowLength: Int
        switch shape.count {
        case 2:
            guard shape[0] == e else {
                throw InputError("\(argument) holds the order of \(shape[0]) epoch\(shape[0] == 1 ? "" : "s") "
                                 + "(shape \(shape)), but the run has \(e) (--epochs \(e)). "
                                 + "Pass --epochs \(shape[0]) to replay the whole log.")
            }
            rowLength = shape[1]
        case 1:
            let perEpoch = shape[0] / max(e, 1)
            guard shape[0] % max(e, 1) == 0, perEpoch == n || perEpoch == used else {
                throw InputError("\(argument) holds \(shape[0]) sample indices, but \(e) epochs of "
                                 + "\(n) samples need \(e * n)"
                                 + (used == n ? "" : " (or \(e * used) with the last partial batch dropped)")
                                 + ". Check --epochs and --keep-last-batch against the logged run.")
            }
            rowLength = perEpoch
        default:
            throw InputError("\(argument) has shape \(shape); an order is [epochs, samples] or a flat "
                             + "sequence of sample indices.")
        }
        guard rowLength == n || rowLength == used else {
            throw InputError("\(argument) lists \(rowLength) samples per epoch, but the inputs have \(n) samples"
                             + (used == n ? "" : " of which an epoch consumes \(used)")
                             + ". Replay the order with the data it was logged for.")
        }
        return try (0..<e).map { epoch in
            let row = values[(epoch * rowLength)..<((epoch + 1) * rowLength)]
            return try validated(Array(row), epoch: epoch, sampleCount: n, argument: argument).prefix(used).map { $0 }
        }
    }

    /// Every index in range, none repeated within the epoch.
    private static func validated(_ row: [Int64], epoch: Int, sampleCount: Int, argument: String) throws -> [Int] {
        var firstPosition = [Int](repeating: -1, count: sampleCount)
        return try row.enumerated().map { position, value in
            guard value >= 0, value < Int64(sampleCount) else {
                throw InputError("\(argument): epoch \(epoch) position \(position) names sample \(value), "
                                 + "outside 0..<\(sampleCount) (the inputs' sample count).")
            }
            let index = Int(value)
            guard firstPosition[index] < 0 else {
                throw InputError("\(argument): sample \(index) appears twice in epoch \(epoch) (positions "
                                 + "\(firstPosition[index]) and \(position)); each epoch must visit a sample once.")
            }
            firstPosition[index] = position
            return index
        }
    }
}
