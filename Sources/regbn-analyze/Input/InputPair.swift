/// Two feature datasets analysed together; they must describe the same samples.
enum InputPair {
    static func requireSameSamples(_ a: FeatureInput, _ b: FeatureInput) throws {
        guard a.sampleCount == b.sampleCount else {
            throw InputError(
                "--\(a.role) and --\(b.role) need the same number of samples (axis 0): "
                    + "\(a.argument) has shape \(a.info.shape), \(b.argument) has shape \(b.info.shape).")
        }
    }
}
