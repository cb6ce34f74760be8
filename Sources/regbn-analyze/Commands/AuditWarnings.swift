import Diagnostics
import Linalg

/// Plain-language warnings of an audit, for run.json and the summary.
enum AuditWarnings {
    static func collect<T>(run: RegBNRun<T>, raw: StageMeasurement, regbn: StageMeasurement,
                           records: [BatchRecord], subsample: Subsample) -> [String] {
        var warnings: [String] = []
        if run.schedule.droppedPerEpoch > 0 {
            warnings.append("\(run.schedule.droppedPerEpoch) of \(run.schedule.sampleCount) samples are left out of "
                            + "training each epoch (the last incomplete batch is dropped, as DataLoader(drop_last=True) does; "
                            + "--keep-last-batch trains on it, as the official example does).")
        }
        if !subsample.isComplete {
            warnings.append("Kernel statistics use \(subsample.used) of \(subsample.total) samples "
                            + "(\(subsample.method) subsample, --max-samples \(subsample.maxSamples)).")
        }
        warnings += raw.warnings + regbn.warnings
        for (stage, m) in [("raw", raw), ("regbn", regbn)] {
            let c = m.crosscorr
            if !c.constantChannelsX.isEmpty || !c.constantChannelsY.isEmpty {
                warnings.append("Zero-variance channels excluded from the \(stage) cross-correlation: "
                                + "f \(c.constantChannelsX), g \(c.constantChannelsY).")
            }
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
