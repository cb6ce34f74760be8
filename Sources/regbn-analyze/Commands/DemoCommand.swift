import Foundation
import HDF5IO

/// `demo`: `audit` on the bundled Fashion-MNIST early-fusion sample with the
/// official colored-MNIST example's settings, its class labels as confounder
/// and strata, and the least-squares baseline beside RegBN; then the summary
/// and where the figures and the HTML report come from.
struct DemoCommand {
    let options: DemoOptions
    let arguments: [String]

    static let samplePath = "notebooks-data/fashion_early_fusion.h5"

    /// The ridge of the OLS baseline. The sample's g has 2352 features for
    /// 2000 samples: plain least squares (ridge 0) explains f completely and
    /// leaves nothing to measure, so the demo regularises by 1 % of the mean
    /// eigenvalue of g's normal matrix, near the generalised-cross-validation
    /// optimum on this sample (0.01 to 0.1).
    static let olsRidge = 0.01

    /// The official example's RegBN settings (batch 50, float32, input
    /// normalisation with affine layers, sigma_MIN = 1e-8), as in the
    /// images_early_fusion fixture.
    func auditOptions(sample: String) -> AuditOptions {
        let defaults = RegBNOptions.officialDefaults
        let labels = DatasetArgument(file: sample, path: "/labels")
        return AuditOptions(
            f: DatasetArgument(file: sample, path: "/f"), g: DatasetArgument(file: sample, path: "/g"),
            regbn: RegBNSettings(
                batchSize: 50, epochs: options.epochs, shuffleSeed: nil, layout: .nchw,
                normalizeInput: true, normalizeOutput: true, affine: true, sigmaThr: 0, sigmaMin: 1e-8,
                beta1: defaults.beta1, beta2: defaults.beta2, momentum: defaults.momentum,
                precision: .float32, lambdaSolver: .lbfgs, lambdaFrom: nil),
            diagnostics: DiagnosticSettings(permutations: options.permutations, bootstrap: options.bootstrap,
                                            strata: labels),
            report: ReportSettings(directory: options.out, force: options.force, latex: true, quiet: options.quiet),
            names: OperandNames(x: "gray", y: "colour"),
            confounder: ConfounderSettings(dataset: labels, categorical: true),
            baselines: [.ols], olsRidge: Self.olsRidge)
    }

    func run() throws -> String {
        let directory = FileManager.default.currentDirectoryPath
        guard FileManager.default.fileExists(atPath: Self.samplePath) else {
            throw InputError("The bundled sample \(Self.samplePath) is not in \(directory). Run the demo from the "
                             + "repository root (scripts/demo does), or audit your own data with `regbn-analyze audit`.")
        }
        let audit = auditOptions(sample: Self.samplePath)
        Progress(quiet: options.quiet).note(
            "Auditing \(Self.samplePath) (batch 50, \(options.epochs) epochs, float32; class labels as confounder "
                + "and strata; OLS baseline)…")
        let (_, text) = try AuditCommand(options: audit, arguments: arguments).run()
        return "RegBN demo on the bundled Fashion-MNIST early-fusion sample (gray f vs colour g, colour confounded "
            + "with the class)\n" + text
            + "Figures and HTML report: python3 notebooks-data/plot_report.py \(options.out) --html "
            + "→ \(options.out)/report.html\n"
    }
}
