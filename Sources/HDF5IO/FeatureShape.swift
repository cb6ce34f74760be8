/// The input contract's shape rule, shared by every feature format: axis 0
/// is samples (at least one), and each sample has at least one value.
public enum FeatureShape {
    /// What is wrong with `shape` as features, and the fix; nil when fine.
    public static func problem(_ shape: [Int]) -> (message: String, fix: String)? {
        guard let samples = shape.first else {
            return ("the array is a scalar, but features need a samples axis (shape [N, ...])",
                    "Store one row per sample, e.g. x.reshape(N, -1)")
        }
        guard samples > 0 else {
            return ("the array has 0 samples (shape \(shape))", "Write at least one sample along axis 0")
        }
        guard !shape.dropFirst().contains(0) else {
            return ("the array has 0 features per sample (shape \(shape))",
                    "Write at least one channel (and non-empty spatial axes) per sample")
        }
        return nil
    }
}

extension FeatureShape {
    /// Why `rows` cannot be read from `sampleCount` samples, or nil.
    public static func rowsProblem(_ rows: Range<Int>, sampleCount: Int) -> (message: String, fix: String)? {
        guard rows.isEmpty || rows.lowerBound < 0 || rows.upperBound > sampleCount else { return nil }
        return ("samples \(rows.lowerBound)..<\(rows.upperBound) are not a non-empty range within 0..<\(sampleCount)",
                "Ask for samples between 0 and \(sampleCount)")
    }

    /// Why `indices` cannot be read from `sampleCount` samples, or nil.
    public static func indicesProblem(_ indices: [Int], sampleCount: Int) -> (message: String, fix: String)? {
        guard let bad = indices.first(where: { !(0..<sampleCount).contains($0) }) else { return nil }
        return ("sample index \(bad) is outside 0..<\(sampleCount)", "Ask for samples between 0 and \(sampleCount - 1)")
    }

    /// Why a buffer of `count` values cannot receive `rows` samples of
    /// `width` values (a caller's mistake, reported rather than trapped), or nil.
    public static func bufferProblem(count: Int, rows: Int, width: Int) -> String? {
        guard CheckedSize.bytes(rows, elementSize: width) != count else { return nil }
        return "a buffer of \(count) values cannot hold \(rows) samples of \(width) values"
    }
}
