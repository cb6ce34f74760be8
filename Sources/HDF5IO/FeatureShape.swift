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
