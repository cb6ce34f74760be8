import Diagnostics
import Foundation
import HDF5IO
import Linalg
import RegBN

/// `audit`: RegBN (training emulation, inference) and every dependence measure
/// on the raw pair, on the RegBN output, on the regress-out baselines and on
/// the null control, with the paired differences, the confounder pairs and the
/// within-strata rows; written as one report directory.
struct AuditCommand {
    let options: AuditOptions
    let arguments: [String]

    /// The outcome is nil after `--dry-run`, which computes nothing.
    func run() throws -> (outcome: AuditResult?, text: String) {
        // Refuse what cannot fit before anything is staged or read.
        let plan = try MemoryPlan.audit(options)
        if options.dryRun { return (nil, plan.dryRunReport) }
        try plan.requireFits()
        let run = ReportRun(command: "audit", arguments: arguments, settings: options.report)
        return try run { context in
            switch options.regbn.precision {
            case .float32: return try compute(as: Float.self, &context)
            case .float64: return try compute(as: Double.self, &context)
            }
        }
    }

    private func compute<T: FeatureScalar & LinalgScalar>(as: T.Type,
                                                          _ context: inout ReportRun.Context) throws -> AuditResult {
        let settings = options.regbn, diagnostics = options.diagnostics
        let f = try FeatureInput(role: "f", argument: options.f, layout: settings.layout)
        let run = try RegBNRun<T>(settings: settings, f: f,
                                  g: try FeatureInput(role: "g", argument: options.g, layout: settings.layout))
        let g = run.g
        let confounder = try options.confounder.map {
            try FeatureInput(role: "confounder", argument: $0.dataset, layout: settings.layout)
        }
        let strata = try diagnostics.strata.map { try LabelInput(option: "strata", argument: $0, layout: .nchw) }
        let labelInputs = [confounder, strata?.input].compactMap { $0 }
        for input in labelInputs { try InputPair.requireSameSamples(f, input) }

        // One read of the raw data gathers what every raw measure and baseline needs.
        let subsample = diagnostics.subsample(total: f.sampleCount)
        let baselines = options.baselines.isEmpty ? nil : BaselineStages(
            wanted: options.baselines, relativeRidge: options.olsRidge, subsample: subsample, f: f, g: g)
        let progress = context.progress
        let pass = try context.clock.time("read_raw") {
            try RawPass(f: f, g: g, labels: labelInputs,
                        request: RawPass.Request(subsample: subsample, batchSize: settings.batchSize,
                                                 spectra: settings.precision, baselines: baselines),
                        progress: progress)
        }
        var regbnF = SubsampleRows(subsample, of: f)
        var records: [BatchRecord] = []
        _ = try context.clock.time("regbn") {
            // Every rank measures the RegBN output (the statistics split their
            // work over the ranks), so every rank receives it whole.
            try run.run(
                progress: progress, outputsOnEveryRank: true,
                onStep: { step, result, _ in
                    records.append(BatchRecord(result, step: step, gFeatures: g.featureCount,
                                               precision: settings.precision))
                },
                onInference: { rows, f, _, _ in
                    if let f { regbnF.add(f, rows: rows) }
                })
        }

        let fName = "--f \(f.argument)", gName = "--g \(g.argument)"
        let fRaw = try MeasuredOperand.continuous(pass.f.matrix, channels: f.channels, role: "f", name: fName)
        let gOperand = try g.categoricalLabels.map {
            MeasuredOperand.categorical(subsample.apply($0), role: "g", name: gName)
        } ?? .continuous(pass.g.matrix, channels: g.channels, role: "g", name: gName)
        if !settings.gCategorical, let hint = MeasuredOperand.labelHint(pass.g.matrix, name: gName,
                                                                        flag: "--g-categorical") {
            context.warnings.add(hint)
        }
        let rawF = StagedOperand(stage: .raw, operand: fRaw, note: nil)
        let regbnOperand = try MeasuredOperand.continuous(regbnF.matrix, channels: f.channels, role: "f",
                                                          name: "RegBN output of \(fName)")
        if run.configuration.normalizeOutput && f.channels == 1 {
            // Computed as numpy.corrcoef would on the official outputs (the fixtures do), but said for what it is.
            context.warnings.add("f has one channel and RegBN's output LayerNorm centres every sample over its "
                                 + "features, so after RegBN the channel's per-sample mean is 0 up to rounding: the "
                                 + "regbn stage's crosscorr_* values measure round-off, not dependence (they change "
                                 + "with the precision and the MPI rank count).")
        }
        var fStages = [
            StagedOperand(stage: .regbn, operand: regbnOperand, note: "f after RegBN's inference pass (running W)"),
        ]
        for output in try pass.baselines?.outputs(f: pass.f.matrix, g: pass.g.matrix) ?? [] {
            fStages.append(StagedOperand(
                stage: output.stage, operand: try .continuous(output.f, channels: f.channels, role: "f",
                                                              name: "\(output.stage.rawValue) output of \(fName)"),
                note: output.settings))
            context.warnings.add(output.warnings)
        }

        let measure = PairMeasurement(suite: DependenceSuite(settings: diagnostics), progress: progress)
        var analyses = [try measure(rawF, then: fStages, against: gOperand,
                                    strata: try strata.map { try $0.strata(pass.labels[labelInputs.count - 1]) },
                                    clock: &context.clock)]
        if let confounder, let settings = options.confounder {
            let c = try confounderOperand(confounder, rows: pass.labels[0], categorical: settings.categorical,
                                          warnings: &context.warnings)
            analyses.append(try measure(rawF, then: fStages, against: c, strata: nil, clock: &context.clock))
            // RegBN, like the baselines, leaves g as it is: g~confounder has a raw stage only.
            analyses.append(try measure(StagedOperand(stage: .raw, operand: gOperand, note: nil), against: c,
                                        strata: nil, clock: &context.clock))
        }
        let channels = try context.clock.time("channels") {
            // --name-f/--name-g where given, as in summary.csv and the figures.
            try [(options.names.x ?? "f", f, pass.f), (options.names.y ?? "g", g, pass.g)].map { name, input, rows in
                ChannelsTable.Row(
                    name: name, dataset: input.argument.description,
                    result: try ChannelValidation(
                        batchSize: settings.batchSize, precision: settings.precision,
                        threshold: SingularValueThreshold(relative: settings.sigmaThr, replacement: settings.sigmaMin))(
                        rows.matrix, channels: input.channels, spatialShape: input.spatialShape))
            }
        }

        context.warnings.add(AuditWarnings.training(run: run, records: records))
        context.warnings.add(subsample: subsample)
        if !subsample.isComplete {
            context.warnings.add("channels.csv uses the \(subsample.used)-sample subsample; its batches are rows of "
                                 + "that subsample, not consecutive ones.")
        }
        for analysis in analyses { context.warnings.add(analysis) }

        let spectrumDescription = "raw: consecutive g batches of \(settings.batchSize) rows; "
            + "regbn: normalised g batches of the training steps"
        var rows = PairRows(analysis: analyses[0], subsample: subsample, settings: diagnostics).rows
        rows += SpectrumRows.rows(stage: .raw, summaries: pass.gSpectra, description: spectrumDescription)
        rows += SpectrumRows.rows(stage: .regbn, summaries: records.map(\.spectrum), description: spectrumDescription)
        for analysis in analyses.dropFirst() {
            rows += PairRows(analysis: analysis, subsample: subsample, settings: diagnostics).rows
        }

        let names = OperandNames.resolved([("f", options.names.x, options.f), ("g", options.names.y, options.g)]
                                              + (options.confounder.map { [("confounder", nil, $0.dataset)] } ?? []))
        context.manifest.configuration = configuration(run, spectrum: spectrumDescription)
        context.manifest.inputs = try FeatureInput.manifestEntries([f, g] + labelInputs)
        context.manifest.names = names
        context.manifest.subsample = subsample.json
        return AuditResult(rows: rows, analyses: analyses, names: names,
                           rawCrosscorr: analyses[0].report(.raw)?.crosscorr,
                           regbnCrosscorr: analyses[0].report(.regbn)?.crosscorr,
                           batches: records, channels: channels)
    }

    /// The confounder at the subsample's rows: labels, or features with a hint
    /// when they look like labels given without `--confounder-categorical`.
    private func confounderOperand(_ input: FeatureInput, rows: SubsampleRows, categorical: Bool,
                                   warnings: inout ReportWarnings) throws -> MeasuredOperand {
        let name = "--confounder \(input.argument)"
        if categorical {
            return .categorical(try MeasuredOperand.labels(rows.matrix, name: name), role: "confounder", name: name)
        }
        if let hint = MeasuredOperand.labelHint(rows.matrix, name: name, flag: "--confounder-categorical") {
            warnings.add(hint)
        }
        return try .continuous(rows.matrix, channels: input.channels, role: "confounder", name: name)
    }

    /// run.json `configuration`: every RegBN and statistics setting, and what the audit added.
    private func configuration<T>(_ run: RegBNRun<T>, spectrum: String) -> [String: JSONValue] {
        var configuration = options.regbn.json.merging(options.diagnostics.json) { a, _ in a }
        configuration["input_normalization"] = .object([
            "f": .string(run.configuration.fInputNormalization.torchName),
            "g": .string(run.configuration.gInputNormalization.torchName),
        ])
        configuration["steps_per_epoch"] = .integer(run.schedule.stepsPerEpoch)
        configuration["spectrum"] = .string(spectrum)
        configuration["baselines"] = .array(options.baselines.map { .string($0.rawValue) })
        configuration["ols_ridge"] = .number(options.olsRidge)
        configuration["confounder"] = .optional(options.confounder?.dataset.description)
        configuration["confounder_categorical"] = .bool(options.confounder?.categorical ?? false)
        return configuration
    }
}
