import Diagnostics
import RegBN

/// The files of an audit report.
struct AuditReport {
    let result: AuditResult
    let options: AuditOptions
    let arguments: [String]
    let inputs: [FeatureInput]
    let configuration: RegBNConfiguration
    let schedule: TrainingSchedule

    func write(to files: ReportFiles, timings: [String: Double]) throws {
        let spectrumDescription = "raw: consecutive g batches of \(options.regbn.batchSize) rows; "
            + "regbn: normalised g batches of the training steps"
        let summary = SummaryTable.build(
            [result.raw, result.regbn],
            spectra: [
                .init(stage: "raw", summaries: result.rawGSpectra, description: spectrumDescription),
                .init(stage: "regbn", summaries: result.batches.map(\.spectrum), description: spectrumDescription),
            ])
        try files.write(summary, as: "summary.csv")
        try files.write(CrossCorrTable.build(raw: result.raw.crosscorr, regbn: result.regbn.crosscorr),
                        as: "crosscorr.csv")
        try files.write(SpectrumTable.build(result.batches.map { ($0.epoch, $0.step, $0.spectrum) }), as: "spectrum.csv")
        try files.write(BatchesTable.build(result.batches), as: "batches.csv")
        try files.write(ChannelsTable.build(result.channels), as: "channels.csv")
        if options.report.latex { try files.write(text: LatexSummary.render(summary), as: "summary.tex") }

        var configuration = options.regbn.json.merging(options.diagnostics.json) { a, _ in a }
        configuration["input_normalization"] = .object([
            "f": .string(self.configuration.fInputNormalization.torchName),
            "g": .string(self.configuration.gInputNormalization.torchName),
        ])
        configuration["steps_per_epoch"] = .integer(schedule.stepsPerEpoch)
        configuration["spectrum"] = .string(spectrumDescription)
        var manifest = RunManifest(command: "audit", arguments: arguments, configuration: configuration)
        manifest.inputs = try FeatureInput.manifestEntries(inputs)
        manifest.subsample = result.subsample.json
        manifest.timings = timings
        manifest.warnings = result.warnings
        try files.write(manifest)
    }
}

extension Subsample {
    var json: [String: JSONValue] {
        ["total": .integer(total), "used": .integer(used), "max_samples": .integer(maxSamples),
         "rule": .string(ruleDescription), "complete": .bool(isComplete)]
    }

    private var ruleDescription: String {
        switch method {
        case .random(let seed): return "uniform random rows without replacement, sorted (SplitMix64 seed \(seed))"
        case .strided: return "rows floor(k*total/used) for k = 0..used-1"
        }
    }
}

extension DiagnosticSettings {
    var json: [String: JSONValue] {
        ["permutations": .integer(permutations), "seed": .string(String(seed)), "max_samples": .integer(maxSamples),
         "sigma_x": .optional(sigmaX), "sigma_y": .optional(sigmaY),
         "bandwidth_rule": .string("median heuristic over at most 1000 uniform random rows (seed 0) unless given")]
    }
}
