import Foundation
import HDF5IO

/// `demo`: `audit` on the bundled Fashion-MNIST early-fusion sample with the
/// official colored-MNIST example's settings, then a short human summary.
struct DemoCommand {
    let options: DemoOptions
    let arguments: [String]

    static let samplePath = "notebooks-data/fashion_early_fusion.h5"

    /// The official example's RegBN settings (batch 50, float32, input
    /// normalisation with affine layers, sigma_MIN = 1e-8), as in the
    /// images_early_fusion fixture.
    func auditOptions(sample: String) -> AuditOptions {
        let defaults = RegBNOptions.officialDefaults
        return AuditOptions(
            f: DatasetArgument(file: sample, path: "/f"), g: DatasetArgument(file: sample, path: "/g"),
            regbn: RegBNSettings(
                batchSize: 50, epochs: options.epochs, shuffleSeed: nil, layout: .nchw,
                normalizeInput: true, normalizeOutput: true, affine: true, sigmaThr: 0, sigmaMin: 1e-8,
                beta1: defaults.beta1, beta2: defaults.beta2, momentum: defaults.momentum,
                precision: .float32, lambdaSolver: .lbfgs, lambdaFrom: nil),
            diagnostics: DiagnosticSettings(permutations: options.permutations),
            report: ReportSettings(directory: options.out, force: options.force, latex: true, quiet: options.quiet))
    }

    func run() throws -> String {
        let directory = FileManager.default.currentDirectoryPath
        guard FileManager.default.fileExists(atPath: Self.samplePath) else {
            throw InputError("The bundled sample \(Self.samplePath) is not in \(directory). Run the demo from the "
                             + "repository root (scripts/demo does), or audit your own data with `regbn-analyze audit`.")
        }
        let audit = auditOptions(sample: Self.samplePath)
        Progress(quiet: options.quiet).note("Auditing \(Self.samplePath) (batch 50, \(options.epochs) epochs, float32)…")
        let result = try AuditCommand(options: audit, arguments: arguments).run()
        return "RegBN demo on the bundled Fashion-MNIST early-fusion sample (gray f vs colour g)\n"
            + AuditSummaryText.render(result)
            + "Figures: python3 notebooks-data/plot_report.py \(options.out)\n"
    }
}
