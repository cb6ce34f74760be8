import Diagnostics
import Foundation

/// `dependence`: every dependence measure of two datasets (no RegBN), with the
/// shuffled-pairs null control, and within strata when `--strata` is given.
struct DependenceCommand {
    let options: DependenceOptions
    let arguments: [String]

    /// Rows read per batch of the raw pass; only the subsample's rows are kept.
    static let readBatch = 512

    func run() throws -> String {
        // Refuse what cannot fit before anything is staged or read.
        let plan = try MemoryPlan.dependence(options, readBatch: Self.readBatch)
        if options.dryRun { return plan.dryRunReport }
        try plan.requireFits()
        let run = ReportRun(command: "dependence", arguments: arguments, settings: options.report)
        return try run { context in try compute(&context) }.text
    }

    private func compute(_ context: inout ReportRun.Context) throws -> DependenceOutcome {
        let diagnostics = options.diagnostics
        let x = try FeatureInput(role: "x", argument: options.x, layout: options.layout)
        let y = try FeatureInput(role: "y", argument: options.y, layout: options.layout)
        try InputPair.requireSameSamples(x, y)
        let strata = try diagnostics.strata.map { try LabelInput(option: "strata", argument: $0, layout: .nchw) }
        if let strata { try InputPair.requireSameSamples(x, strata.input) }
        let subsample = diagnostics.subsample(total: x.sampleCount)
        let progress = context.progress
        let pass = try context.clock.time("read") {
            try RawPass(f: x, g: y, labels: strata.map { [$0.input] } ?? [],
                        request: RawPass.Request(subsample: subsample, batchSize: Self.readBatch), progress: progress)
        }
        let xOperand = try operand(x, rows: pass.f, categorical: options.xCategorical, warnings: &context.warnings)
        let yOperand = try operand(y, rows: pass.g, categorical: options.yCategorical, warnings: &context.warnings)
        let measure = PairMeasurement(suite: DependenceSuite(settings: diagnostics), progress: progress)
        let analysis = try measure(StagedOperand(stage: .raw, operand: xOperand, note: nil), against: yOperand,
                                   strata: try strata.map { try $0.strata(pass.labels[0]) }, clock: &context.clock)
        context.warnings.add(subsample: subsample)
        if pass.readSubsampleOnly {
            context.warnings.add("Only the \(subsample.used) subsampled rows of --x and --y were read (the "
                                 + "statistics use nothing else): NaN or infinity in the other rows is not checked.")
        }
        context.warnings.add(analysis)
        let names = OperandNames.resolved([("x", options.names.x, options.x), ("y", options.names.y, options.y)])
        var configuration = diagnostics.json
        configuration["layout"] = .string(options.layout.rawValue)
        configuration["x_categorical"] = .bool(options.xCategorical)
        configuration["y_categorical"] = .bool(options.yCategorical)
        context.manifest.configuration = configuration
        context.manifest.inputs = try FeatureInput.manifestEntries([x, y] + (strata.map { [$0.input] } ?? []))
        context.manifest.names = names
        context.manifest.subsample = subsample.json
        let rows = PairRows(analysis: analysis, subsample: subsample, settings: diagnostics).rows
        return DependenceOutcome(
            rows: rows, crosscorr: analysis.report(.raw)?.crosscorr,
            title: "Dependence between x (\(names["x"] ?? "x")) and y (\(names["y"] ?? "y"))")
    }

    private func operand(_ input: FeatureInput, rows: SubsampleRows, categorical: Bool,
                         warnings: inout ReportWarnings) throws -> MeasuredOperand {
        let name = "--\(input.role) \(input.argument)"
        if categorical {
            return .categorical(try MeasuredOperand.labels(rows.matrix, name: name), role: input.role, name: name)
        }
        if let hint = MeasuredOperand.labelHint(rows.matrix, name: name, flag: "--\(input.role)-categorical") {
            warnings.add(hint)
        }
        return try .continuous(rows.matrix, channels: input.channels, role: input.role, name: name)
    }
}

/// What `dependence` found: summary.csv rows and the raw cross-correlation matrix.
struct DependenceOutcome: ReportOutcome {
    let rows: [SummaryRow]
    let crosscorr: ChannelCorrelationResult?
    let title: String

    var summaryRows: [SummaryRow]? { rows }
    var summary: String { ComparisonText(rows: rows, pair: "x~y", title: title).text }

    func write(to files: ReportFiles) throws {
        try files.write(CrossCorrTable.build(raw: crosscorr, regbn: nil), as: "crosscorr.csv")
    }
}
