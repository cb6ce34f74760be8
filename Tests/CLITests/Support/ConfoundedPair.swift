import Foundation
import HDF5IO
import SeededRandom

/// A small synthetic pair written for the report tests: f [n, 2, 2, 2] and
/// g [n, 3, 2, 2] both depend on a class label (3 classes) and g also on f
/// directly, plus the labels themselves (`/labels`), the same classes under
/// other numbers (`/relabelled`), labels with a fractional value
/// (`/not_labels`) and labels for a different sample count (`/short_labels`).
/// Test input only, seeded: never a result of the tool.
struct ConfoundedPair {
    static let samples = 120
    static let classes = 3
    let path: String

    init(in directory: URL, samples n: Int = ConfoundedPair.samples, seed: UInt64 = 11) throws {
        path = directory.appendingPathComponent("confounded.h5").path
        var random = SplitMix64(seed: seed)
        let labels = (0..<n).map { _ in Int64(random.next() % UInt64(Self.classes)) }
        let classMeans = (0..<(Self.classes * 12)).map { _ in 2 * random.standardNormal() }
        var f: [Double] = [], g: [Double] = []
        for i in 0..<n {
            let c = Int(labels[i])
            let fi = (0..<8).map { k in classMeans[c * 12 + k] + random.standardNormal() }
            f += fi
            g += (0..<12).map { k in classMeans[c * 12 + k] + 0.7 * fi[k % 8] + random.standardNormal() }
        }
        let writer = try HDF5Writer(creating: path)
        try writer.write("/f", shape: [n, 2, 2, 2], values: f)
        try writer.write("/g", shape: [n, 3, 2, 2], values: g)
        try writer.write("/labels", shape: [n], values: labels)
        // Class k becomes 10·(2 − k) + 5: another order, other numbers, the same classes.
        try writer.write("/relabelled", shape: [n], values: labels.map { 10 * (2 - $0) + 5 })
        try writer.write("/not_labels", shape: [n], values: labels.enumerated().map { $0 == 7 ? 0.5 : Double($1) })
        try writer.write("/short_labels", shape: [n - 1], values: Array(labels.dropLast()))
        try writer.finish()
    }

    func dataset(_ name: String) -> String { "\(path):/\(name)" }
}

extension CSVDocument {
    /// Rows matching every given column value.
    func rows(_ match: [String: String]) -> [[String: String]] {
        rows.filter { row in match.allSatisfy { row[$0.key] == $0.value } }
    }
}
