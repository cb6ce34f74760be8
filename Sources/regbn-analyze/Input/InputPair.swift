/// Two feature datasets analysed together; they must describe the same samples.
enum InputPair {
    static func requireSameSamples(_ a: FeatureInput, _ b: FeatureInput) throws {
        guard a.sampleCount == b.sampleCount else {
            throw InputError(
                "--\(a.role) and --\(b.role) need the same number of samples (axis 0): "
                    + "\(a.argument) has shape \(a.fileShape), \(b.argument) has shape \(b.fileShape).")
        }
    }
}

extension InputPair {
    /// Evaluation data must have the per-sample shape the model was trained on.
    static func requireSameSampleShape(_ eval: FeatureInput, as train: FeatureInput) throws {
        guard eval !== train else { return }
        guard Array(eval.shape.dropFirst()) == Array(train.shape.dropFirst()) else {
            throw InputError(
                "--\(eval.role) \(eval.argument) has samples of shape \(Array(eval.shape.dropFirst())), but the "
                    + "training data --\(train.role) \(train.argument) has \(Array(train.shape.dropFirst())).")
        }
    }
}
