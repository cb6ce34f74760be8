import Linalg

/// One side of a dependence measure: n samples of continuous features, or n
/// categorical labels.
///
/// How each measure sees a categorical operand:
/// - kernel measures (HSIC and its normalised form) use the delta kernel
///   k(a, b) = 1[a = b], the standard kernel for labels (Song et al. 2012,
///   "Feature selection via dependence maximization", JMLR 13, §3; Gretton et
///   al. 2005 for HSIC itself);
/// - linear measures (linear CKA, channel cross-correlation) and distance
///   correlation use the full one-hot code, dropping no level. Its linear
///   kernel ZZᵀ *is* the delta kernel, so kernel and linear views of the labels
///   agree (HSIC with two delta kernels equals linear CKA of the two one-hot
///   codes); dropping a level, as regression dummy coding does, would make the
///   result depend on which level was dropped.
public enum Operand: Sendable, Equatable {
    /// n × p features, rows are samples.
    case continuous(Matrix<Double>)
    /// n labels.
    case categorical(CategoricalLabels)

    public var sampleCount: Int {
        switch self {
        case .continuous(let m): return m.rows
        case .categorical(let labels): return labels.count
        }
    }

    public var isCategorical: Bool {
        if case .categorical = self { return true }
        return false
    }

    /// Features per sample: columns, or levels of the one-hot code.
    public var featureCount: Int {
        switch self {
        case .continuous(let m): return m.columns
        case .categorical(let labels): return labels.levelCount
        }
    }

    /// The n × p matrix linear measures and distance correlation use: the
    /// features, or the n × levels one-hot code.
    public var features: Matrix<Double> {
        switch self {
        case .continuous(let m): return m
        case .categorical(let labels): return labels.oneHot
        }
    }

    /// Samples `rows`, in that order (a subsample, a permutation, a resample).
    public func selectingRows<S: Sequence>(_ rows: S) -> Operand where S.Element == Int {
        switch self {
        case .continuous(let m): return .continuous(m.selectingRows(rows))
        case .categorical(let labels): return .categorical(labels.selecting(rows))
        }
    }
}
