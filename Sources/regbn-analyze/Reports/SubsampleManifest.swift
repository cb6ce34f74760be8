import Foundation
import Diagnostics

extension Subsample {
    /// run.json `subsample`: the rows every dependence measure used.
    var json: [String: JSONValue] {
        var json: [String: JSONValue] = [
            "total": .integer(total), "used": .integer(used), "max_samples": .integer(maxSamples),
            "complete": .bool(isComplete), "rule": .string(ruleDescription),
        ]
        switch method {
        case .random(let seed):
            json["method"] = .string(SubsampleRule.random.rawValue)
            json["seed"] = .string(String(seed))
        case .strided:
            json["method"] = .string(SubsampleRule.strided.rawValue)
            json["seed"] = .null
        }
        return json
    }

    private var ruleDescription: String {
        if isComplete { return "every sample" }
        switch method {
        case .random(let seed): return "uniform random rows without replacement, sorted (SplitMix64 seed \(seed))"
        case .strided: return "rows floor(k*total/used) for k = 0..used-1"
        }
    }
}

extension DiagnosticSettings {
    /// The rows the measures use out of `total` samples.
    func subsample(total: Int) -> Subsample {
        Subsample(total: total, maxSamples: maxSamples, method: subsample.method(seed: subsampleSeed))
    }

    var json: [String: JSONValue] {
        ["permutations": .integer(permutations), "bootstrap": .integer(bootstrap), "confidence": .number(confidence),
         "seed": .string(String(seed)), "max_samples": .integer(maxSamples),
         "subsample": .string(subsample.rawValue), "subsample_seed": .string(String(subsampleSeed)),
         "sigma_x": .optional(sigmaX), "sigma_y": .optional(sigmaY), "strata": .optional(strata?.description),
         "bandwidth_rule": .string("median heuristic over at most 1000 rows of the subsample, chosen by the "
                                   + "subsample rule, unless given"),
         "interval": .string("basic bootstrap of the samples (rows), the same resamples in every stage"),
         "null_control": .string("the second operand's samples shuffled by SplitMix64(seed, stream -1)")]
    }
}

extension OperandNames {
    /// run.json `names`: the given names, else each dataset's path in its file
    /// (the file too when both operands have the same path).
    static func resolved(_ given: [(role: String, name: String?, argument: DatasetArgument)]) -> [String: String] {
        // A whole-file input (.npy) has no path inside its file: its file name stands in.
        let paths = given.map { $0.argument.path.isEmpty ? URL(fileURLWithPath: $0.argument.file).lastPathComponent
                                                         : $0.argument.path }
        let clash = Set(paths).count < paths.count
        var names: [String: String] = [:]
        for (k, entry) in given.enumerated() {
            names[entry.role] = entry.name ?? (clash ? entry.argument.description : paths[k])
        }
        return names
    }
}
