import Diagnostics
import Foundation
import HDF5IO
import Linalg
import Testing
import TestSupport

/// The fixture cases and the diagnostic pairs stored for each of them.
enum DiagnosticsFixtures {
    static let cases = ["linear_confound_vec", "conv_maps", "images_early_fusion", "float64_parity", "rank_deficient"]
    static let pairs = ["raw", "null_shuffled", "regbn", "regbn_gout"]
    static var all: [(String, String)] { cases.flatMap { c in pairs.map { (c, $0) } } }
}

/// X and Y of one pair (fixtures README: raw X = /f, Y = /g; null_shuffled
/// Y = /g[row_permutation]; regbn X = /expected/eval/f_r; regbn_gout also
/// Y = /expected/eval/g_out), flattened to n × (C·∏d) in float64.
struct FixturePair {
    let file: HDF5File
    let group: String
    let x: Matrix<Double>
    let y: Matrix<Double>
    let channelsX: Int
    let channelsY: Int

    init(fixture: String, pair: String) throws {
        file = try HDF5File.open(TestPaths.fixture("\(fixture).h5").path)
        group = "/expected/diagnostics/\(pair)"
        let xPath = pair.hasPrefix("regbn") ? "/expected/eval/f_r" : "/f"
        let yPath = pair == "regbn_gout" ? "/expected/eval/g_out" : "/g"
        let xa = try file.readArray(xPath, as: Double.self)
        var ya = try file.readArray(yPath, as: Double.self)
        if pair == "null_shuffled" {
            let order = try file.readArray("\(group)/row_permutation", as: Double.self).storage.map { Int($0) }
            let width = ya.featuresPerSample
            ya.storage = order.flatMap { ya.storage[($0 * width)..<(($0 + 1) * width)] }
        }
        x = Matrix(rows: xa.sampleCount, columns: xa.featuresPerSample, storage: xa.storage)
        y = Matrix(rows: ya.sampleCount, columns: ya.featuresPerSample, storage: ya.storage)
        channelsX = xa.shape.count > 1 ? xa.shape[1] : 1
        channelsY = ya.shape.count > 1 ? ya.shape[1] : 1
    }

    func scalar(_ path: String) throws -> Double {
        try file.readArray("\(group)/\(path)", as: Double.self).storage[0]
    }

    /// Compares `actual` with `group/path` within the dataset's rtol/atol and
    /// returns the achieved maximum relative error (0 for a stochastic dataset,
    /// which is not compared).
    @discardableResult
    func check(_ path: String, _ actual: [Double], sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
        let expected = try Expected.load(file, "\(group)/\(path)")
        guard !expected.stochastic else { return 0 }
        let mismatch = expected.mismatch(actual)
        #expect(mismatch == nil, "\(file.path): \(mismatch ?? "")", sourceLocation: sourceLocation)
        guard mismatch == nil else { return .infinity }
        return expected.maxError(actual).rel
    }

    @discardableResult
    func check(_ path: String, _ actual: Double, sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
        try check(path, [actual], sourceLocation: sourceLocation)
    }
}

/// Collects the worst relative error per quantity; printed when
/// DIAGNOSTICS_ERROR_REPORT is set (the figures quoted in the project notes).
struct ErrorLog {
    private(set) var worst: [String: Double] = [:]

    mutating func note(_ name: String, _ relative: Double) {
        worst[name] = max(worst[name] ?? 0, relative)
    }

    func report(_ label: String) {
        guard ProcessInfo.processInfo.environment["DIAGNOSTICS_ERROR_REPORT"] != nil else { return }
        let line = worst.keys.sorted().map { "\($0)=\(String(format: "%.2e", worst[$0]!))" }.joined(separator: " ")
        print("max-rel-error \(label): \(line)")
    }
}
