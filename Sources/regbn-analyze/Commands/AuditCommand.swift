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

    func run() throws -> (outcome: AuditResult, text: String) {
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
            try run.run(
                progress: progress,
                onStep: { step, result in
                    records.append(BatchRecord(result, step: step, gFeatures: g.featureCount,
                                               precision: settings.precision))
                },
                onInference: { rows, result in regbnF.add(result.f, rows: rows) })
        }

        let fName = "--f \(f.argument)", gName = "--g \(g.argument)"
        let fRaw = try MeasuredOperand.continuous(pass.f.matrix, channels: f.channels, role: "f", name: fName)
        let gOperand = try g.categoricalLabels.map {
            MeasuredOperand.categorical(subsample.apply($0), role: "g", name: gName)
        } ?? .continuous(pass.g.matrix, channels: g.channels, role: "g", name: gName)
        var fStages: [(stage: Stage, operand: MeasuredOperand, note: String?)] = [
            (.raw, fRaw, nil),
            (.regbn, try .continuous(regbnF.matrix, channels: f.channels, role: "f", name: "RegBN output of \(fName)"),
             "f after RegBN's inference pass (running W)"),
        ]
        let baselineOutputs = try pass.baselines?.outputs(f: pass.f.matrix, g: pass.g.matrix) ?? []
        for output in baselineOutputs {
            fStages.append((output.stage, try .continuous(output.f, channels: f.channels, role: "f",
                                                          name: "\(output.stage.rawValue) output of \(fName)"),
                            output.settings))
            context.warnings.add(output.warnings)
        }
        let strataLabels = try strata.map { try $0.labels(pass.labels[labelInputs.count - 1]) }
        let nullNote = "null control: the second operand's samples shuffled (seed \(diagnostics.seed))"

        let suite = DependenceSuite(settings: diagnostics)
        var clock = context.clock
        /// One stage of one pair, timed on its own in run.json.
        func measure(_ pair: inout PairAnalysis, _ stage: Stage, _ x: MeasuredOperand, _ y: MeasuredOperand,
                     strata: CategoricalLabels?, note: String?) throws {
            progress.note("dependence statistics, \(pair.pair) \(stage.rawValue)…")
            let report = try clock.time("diagnostics \(pair.pair) \(stage.rawValue)") {
                stage == .null ? try suite.null(x, y, strata: strata)
                               : try suite.measure(x, y, strata: strata, stage: stage)
            }
            pair.add(stage, report, note: note)
        }
        var analyses: [PairAnalysis] = []
        var fg = PairAnalysis(x: fRaw, y: gOperand, strataCondition: strata?.condition)
        for (stage, operand, note) in fStages {
            try measure(&fg, stage, operand, gOperand, strata: strataLabels, note: note)
        }
        try measure(&fg, .null, fRaw, gOperand, strata: strataLabels, note: nullNote)
        analyses.append(fg)
        if let confounder, let confounderSettings = options.confounder {
            let name = "--confounder \(confounder.argument)"
            let rows = pass.labels[0]
            let c: MeasuredOperand
            if confounderSettings.categorical {
                c = .categorical(try MeasuredOperand.labels(rows.matrix, name: name), role: "confounder", name: name)
            } else {
                c = try .continuous(rows.matrix, channels: confounder.channels, role: "confounder", name: name)
                if let hint = AuditWarnings.confounderHint(rows.matrix, name: name) { context.warnings.add(hint) }
            }
            var fc = PairAnalysis(x: fRaw, y: c, strataCondition: nil)
            for (stage, operand, note) in fStages { try measure(&fc, stage, operand, c, strata: nil, note: note) }
            try measure(&fc, .null, fRaw, c, strata: nil, note: nullNote)
            // RegBN, like the baselines, leaves g as it is: g~confounder has a raw stage only.
            var gc = PairAnalysis(x: gOperand, y: c, strataCondition: nil)
            try measure(&gc, .raw, gOperand, c, strata: nil, note: nil)
            try measure(&gc, .null, gOperand, c, strata: nil, note: nullNote)
            analyses += [fc, gc]
        }
        context.clock = clock
        let channels = try context.clock.time("channels") {
            try [("f", f, pass.f), ("g", g, pass.g)].map { name, input, rows in
                (name, try ChannelValidation(batchSize: settings.batchSize, precision: settings.precision)(
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
        var configuration = settings.json.merging(diagnostics.json) { a, _ in a }
        configuration["input_normalization"] = .object([
            "f": .string(run.configuration.fInputNormalization.torchName),
            "g": .string(run.configuration.gInputNormalization.torchName),
        ])
        configuration["steps_per_epoch"] = .integer(run.schedule.stepsPerEpoch)
        configuration["spectrum"] = .string(spectrumDescription)
        configuration["baselines"] = .array(options.baselines.map { .string($0.rawValue) })
        configuration["ols_ridge"] = .number(options.olsRidge)
        configuration["confounder"] = .optional(options.confounder?.dataset.description)
        configuration["confounder_categorical"] = .bool(options.confounder?.categorical ?? false)
        context.manifest.configuration = configuration
        context.manifest.inputs = try FeatureInput.manifestEntries([f, g] + labelInputs)
        context.manifest.names = names
        context.manifest.subsample = subsample.json
        return AuditResult(rows: rows, analyses: analyses, names: names,
                           rawCrosscorr: analyses[0].report(.raw)?.crosscorr,
                           regbnCrosscorr: analyses[0].report(.regbn)?.crosscorr,
                           batches: records, channels: channels)
    }
}
