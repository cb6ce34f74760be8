import Linalg

/// Finds the first non-finite value and names where it is.
enum FiniteCheck {
    static func require<T: LinalgScalar>(_ values: [T], width: Int, firstSample: Int, in input: FeatureInput) throws {
        guard let bad = values.firstIndex(where: { !$0.isFinite }) else { return }
        let sample = firstSample + bad / max(width, 1)
        let kind = values[bad].isNaN ? "NaN" : (values[bad] > 0 ? "+inf" : "-inf")
        throw InputError(
            "\(input.argument): sample \(sample) holds \(kind) (flattened feature \(bad % max(width, 1)) of \(width)). "
                + "Remove or impute non-finite samples before running the analysis.")
    }
}
