import Linalg

/// A categorical variable: one integer label per sample (class, site, scanner…).
///
/// Only equality of labels carries information, never their numeric values:
/// every measure sees the labels through the delta kernel k(a, b) = 1[a = b] or
/// through the full one-hot code, so renumbering the classes changes no
/// statistic (the one-hot columns are merely permuted).
public struct CategoricalLabels: Sendable, Equatable {
    /// The distinct label values, ascending: column j of `oneHot` is level j.
    public let levels: [Int]
    /// `codes[i]` is the index in `levels` of sample i's label.
    public let codes: [Int]
    /// Samples per level.
    public let counts: [Int]

    /// - Parameter labels: one label per sample, any integers.
    public init(_ labels: [Int]) {
        let levels = Array(Set(labels)).sorted()
        var index: [Int: Int] = [:]
        for (j, level) in levels.enumerated() { index[level] = j }
        var counts = [Int](repeating: 0, count: levels.count)
        codes = labels.map { label in
            let code = index[label] ?? 0
            counts[code] += 1
            return code
        }
        self.levels = levels
        self.counts = counts
    }

    /// Labels stored as numbers, e.g. an n × 1 float or integer dataset of classes.
    /// - Throws: `DiagnosticsError.notCategorical` when there is more than one
    ///   column or a value is not an integer of magnitude below 2⁵³.
    public init(_ column: Matrix<Double>, operand: String = "x") throws {
        guard column.columns == 1 else {
            throw DiagnosticsError.notCategorical(operand: operand, sample: nil,
                                                  reason: "it has \(column.columns) features per sample; labels need exactly 1")
        }
        var labels: [Int] = []
        labels.reserveCapacity(column.rows)
        for (i, value) in column.storage.enumerated() {
            // Beyond 2^53 doubles no longer represent every integer, and Int(value) would trap on ±inf.
            guard value.isFinite, value == value.rounded(), abs(value) < 9_007_199_254_740_992 else {
                throw DiagnosticsError.notCategorical(operand: operand, sample: i,
                                                      reason: "its value \(value) is not an integer label")
            }
            labels.append(Int(value))
        }
        self.init(labels)
    }

    /// Labels when `column` looks like class labels — one feature, every value an
    /// integer, at most `maxLevels` distinct values and at least two samples per
    /// level on average — and nil otherwise. For a command line's auto-detection,
    /// which should say when it treated a dataset as categorical.
    public static func detecting(_ column: Matrix<Double>, maxLevels: Int = 20) -> CategoricalLabels? {
        guard column.columns == 1, let labels = try? CategoricalLabels(column) else { return nil }
        guard labels.levelCount <= maxLevels, 2 * labels.levelCount <= labels.count else { return nil }
        return labels
    }

    /// Number of samples.
    public var count: Int { codes.count }
    /// Number of distinct labels.
    public var levelCount: Int { levels.count }
    /// Every sample carries the same label.
    public var isConstant: Bool { levels.count <= 1 }

    /// The n × levels one-hot code, nothing dropped: its linear kernel ZZᵀ is the delta kernel.
    public var oneHot: Matrix<Double> {
        var z = Matrix<Double>(rows: codes.count, columns: levels.count)
        for (i, code) in codes.enumerated() { z.storage[i * levels.count + code] = 1 }
        return z
    }

    /// Sample indices of each level, in level order (the strata of a stratified test).
    public var groups: [[Int]] {
        var groups = counts.map { count -> [Int] in
            var group: [Int] = []
            group.reserveCapacity(count)
            return group
        }
        for (i, code) in codes.enumerated() { groups[code].append(i) }
        return groups
    }

    /// The labels of samples `rows`; levels that no longer occur are dropped.
    public func selecting<S: Sequence>(_ rows: S) -> CategoricalLabels where S.Element == Int {
        CategoricalLabels(rows.map { levels[codes[$0]] })
    }
}
