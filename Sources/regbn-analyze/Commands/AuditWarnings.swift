import Diagnostics
import Linalg

/// The warnings only an audit has: the emulated training's dropped samples and
/// the λ search's fallbacks and fragile steps.
enum AuditWarnings {
    static func training<T>(run: RegBNRun<T>, records: [BatchRecord]) -> [String] {
        var warnings: [String] = []
        if run.schedule.droppedPerEpoch > 0 {
            warnings.append("\(run.schedule.droppedPerEpoch) of \(run.schedule.sampleCount) samples are left out of "
                            + "training each epoch (the last incomplete batch is dropped, as DataLoader(drop_last=True) does; "
                            + "--keep-last-batch trains on it, as the official example does).")
        }
        let fallbacks = records.filter(\.fallback).count
        if fallbacks > 0 {
            warnings.append("The λ search failed in \(fallbacks) of \(records.count) training steps; "
                            + "those steps used the λ = 0 pseudo-inverse (flag lambda-fallback).")
        }
        let unstable = records.filter { $0.stability.flags.contains(.lambdaUnstable) }.count
        if unstable > 0 {
            warnings.append("In \(unstable) of \(records.count) steps the official λ differs from the exact root "
                            + "of its objective by more than 5 % (flag lambda-unstable): those steps' outputs are "
                            + "fragile.")
        }
        return warnings
    }
}
