import RegBN

extension RegBNSettings {
    /// The library configuration for f and g with these channel/spatial shapes.
    func configuration(f: FeatureInput, g: FeatureInput) -> RegBNConfiguration {
        RegBNConfiguration(
            fChannels: f.channels, fSpatialShape: f.spatialShape, gChannels: g.channels, gSpatialShape: g.spatialShape,
            normalizeInput: normalizeInput, normalizeOutput: normalizeOutput, affine: affine,
            sigmaThr: sigmaThr, sigmaMin: sigmaMin, beta1: beta1, beta2: beta2, momentum: momentum,
            lambdaSolver: lambdaSolver)
    }

    /// Every setting, for run.json and the `config` attribute.
    var json: [String: JSONValue] {
        [
            "batch_size": .integer(batchSize), "epochs": .integer(epochs),
            "shuffle_seed": shuffleSeed.map { .string(String($0)) } ?? .null,
            "layout": .string(layout.rawValue),
            "normalize_input": .bool(normalizeInput), "normalize_output": .bool(normalizeOutput),
            "affine": .bool(affine), "sigma_thr": .number(sigmaThr), "sigma_min": .number(sigmaMin),
            "beta1": .number(beta1), "beta2": .number(beta2), "momentum": .number(momentum),
            "precision": .string(precision.rawValue), "lambda_solver": .string(lambdaSolver.rawValue),
            "lambda_from": .optional(lambdaFrom?.description),
            "order": .optional(order?.description),
            "first_epoch": .integer(firstEpoch),
            "keep_last_batch": .bool(keepLastBatch),
            "drop_last": .bool(!keepLastBatch),
        ]
    }
}
