import HDF5IO
import RegBN
import TestSupport

/// The fixture cases bundled in Tests/Fixtures.
let fixtureCaseNames = ["linear_confound_vec", "conv_maps", "images_early_fusion", "float64_parity", "rank_deficient"]

/// Opens a fixture and reads the inputs and settings of its protocol run.
func loadFixtureCase(_ name: String) throws -> (FixtureCase, HDF5File) {
    let file = try HDF5File.open(TestPaths.fixture("\(name).h5").path)
    guard let json = try file.attribute("config").stringValue else {
        throw FixtureError("\(name).h5: root attribute 'config' is not a string")
    }
    let (configuration, batch, epochs, isFloat64) = try FixtureCase.configuration(fromJSON: json)
    let f = try file.readArray("/f", as: Double.self)
    let g = try file.readArray("/g", as: Double.self)
    var strides: (rows: Int, columns: Int)?
    if file.exists("/expected/state/W_sub") {
        guard let rows = try file.attribute("row_stride", of: "/expected/state/W_sub").doubleValue,
              let columns = try file.attribute("col_stride", of: "/expected/state/W_sub").doubleValue else {
            throw FixtureError("\(name).h5: /expected/state/W_sub lacks numeric row_stride/col_stride")
        }
        strides = (Int(rows), Int(columns))
    }
    let fixtureCase = FixtureCase(
        name: name, configuration: configuration, batchSize: batch, epochs: epochs, isFloat64: isFloat64,
        fShape: f.shape, gShape: g.shape, f: f.storage, g: g.storage,
        lambdaReturned: try file.readArray("/expected/train/lambda_returned", as: Double.self).storage,
        gridLambdas: try file.readArray("/expected/train/objective_grid_lambdas", as: Double.self).storage,
        wStrides: strides)
    return (fixtureCase, file)
}

/// Runs the protocol in the case's own precision (float32 cases in Float, float64 in Double).
func runInCasePrecision(_ c: FixtureCase, mode: ProtocolMode, solver: LambdaSolver = .lbfgs) throws -> ProtocolOutput {
    c.isFloat64 ? try runProtocol(c, as: Double.self, mode: mode, solver: solver)
                : try runProtocol(c, as: Float.self, mode: mode, solver: solver)
}

/// Every dataset under /expected/{train,state,eval} of a fixture (paths without the /expected/ prefix).
func protocolDatasetPaths(_ file: HDF5File) throws -> [String] {
    try file.tree().compactMap { node -> String? in
        guard node.dataset != nil else { return nil }
        for group in ["/expected/train/", "/expected/state/", "/expected/eval/"] where node.path.hasPrefix(group) {
            return String(node.path.dropFirst("/expected/".count))
        }
        return nil
    }
}

/// Outcome of comparing a run against every protocol dataset of a fixture.
struct ParityReport {
    var failures: [String] = []
    var warnings: [String] = []
    var missing: [String] = []
    /// (dataset, max |actual − expected|, max relative difference)
    var errors: [(String, Double, Double)] = []

    func summary(_ title: String) -> String {
        var lines = ["\(title): \(errors.count) datasets compared, \(failures.count) failures, \(warnings.count) advisory warnings"]
        for (path, abs, rel) in errors {
            lines.append("  \(path): max abs \(abs.formatted()) max rel \(rel.formatted())")
        }
        lines += warnings.map { "  warning (advisory): \($0)" }
        return lines.joined(separator: "\n")
    }
}

private extension Double {
    func formatted() -> String { self == 0 ? "0" : String(format: "%.3g", self) }
}

import Foundation

/// Compares each produced quantity with its fixture dataset under `profile`.
/// Replay skips the search's own outputs; advisory mismatches become warnings.
func compareWithFixture(_ output: ProtocolOutput, file: HDF5File, profile: ToleranceProfile) throws -> ParityReport {
    var report = ParityReport()
    for path in try protocolDatasetPaths(file) {
        let expected = try Expected.load(file, "/expected/" + path)
        if profile == .replay && expected.searchOutput { continue }
        guard let actual = output.arrays[path] else {
            report.missing.append(path)
            continue
        }
        if let problem = expected.mismatch(actual, profile: profile) {
            if expected.advisory { report.warnings.append(problem) } else { report.failures.append(problem) }
        }
        if actual.count == expected.values.count {
            let error = expected.maxError(actual)
            report.errors.append((path, error.abs, error.rel))
        }
    }
    return report
}
