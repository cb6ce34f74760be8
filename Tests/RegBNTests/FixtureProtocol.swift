import Foundation
import RegBN

/// One fixture case as the official protocol ran it (fixtures README, "Protocol").
struct FixtureCase {
    let name: String
    let configuration: RegBNConfiguration
    let batchSize: Int
    let epochs: Int
    let isFloat64: Bool
    let fShape: [Int]
    let gShape: [Int]
    let f: [Double]
    let g: [Double]
    /// `train/lambda_returned` (0 on fallback): the replay schedule.
    let lambdaReturned: [Double]
    let gridLambdas: [Double]
    /// `state/W_sub` strides when the fixture stores a subsample of W.
    let wStrides: (rows: Int, columns: Int)?

    var sampleCount: Int { fShape[0] }
    var stepsPerEpoch: Int { sampleCount / batchSize }
    var p: Int { configuration.fFeatureCount }
    var q: Int { configuration.gFeatureCount }

    /// Builds the configuration from the fixture's `config` JSON (official kwargs + protocol).
    static func configuration(fromJSON json: String) throws -> (RegBNConfiguration, batch: Int, epochs: Int, float64: Bool) {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let protocolInfo = object["protocol"] as? [String: Any],
              let kwargs = protocolInfo["regbn_kwargs"] as? [String: Any] else {
            throw FixtureError("config JSON lacks protocol.regbn_kwargs")
        }
        func int(_ d: [String: Any], _ k: String) throws -> Int {
            guard let v = d[k] as? NSNumber else { throw FixtureError("config lacks \(k)") }
            return v.intValue
        }
        func double(_ d: [String: Any], _ k: String) throws -> Double {
            guard let v = d[k] as? NSNumber else { throw FixtureError("config lacks \(k)") }
            return v.doubleValue
        }
        func bool(_ k: String) throws -> Bool {
            guard let v = kwargs[k] as? Bool else { throw FixtureError("config lacks \(k)") }
            return v
        }
        let configuration = RegBNConfiguration(
            fChannels: try int(kwargs, "f_num_channels"), fSpatialShape: (kwargs["f_layer_dim"] as? [Int]) ?? [],
            gChannels: try int(kwargs, "g_num_channels"), gSpatialShape: (kwargs["g_layer_dim"] as? [Int]) ?? [],
            normalizeInput: try bool("normalize_input"), normalizeOutput: try bool("normalize_output"),
            affine: try bool("affine"), sigmaThr: try double(kwargs, "sigma_THR"), sigmaMin: try double(kwargs, "sigma_MIN"),
            beta1: try double(protocolInfo, "beta1"), beta2: try double(protocolInfo, "beta2"),
            momentum: try double(protocolInfo, "momentum"))
        let dtype = protocolInfo["dtype"] as? String
        return (configuration, try int(protocolInfo, "b"), try int(protocolInfo, "epochs"), dtype == "float64")
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Fixture paths (relative to /expected) and the values a Swift run produced for them.
struct ProtocolOutput {
    var arrays: [String: [Double]] = [:]
    var lambdas: [Double] = []
    var fallbacks: [Bool] = []
    var spectra: [StepSpectrum<Double>] = []
    var seconds: Double = 0
}

enum ProtocolMode { case replay, free }

/// Runs the official protocol on a case in `T` and gathers every quantity the fixtures store.
func runProtocol<T: LinalgScalar>(_ c: FixtureCase, as _: T.Type, mode: ProtocolMode,
                                  solver: LambdaSolver = .lbfgs) throws -> ProtocolOutput {
    var configuration = c.configuration
    configuration.lambdaSolver = solver
    let b = c.batchSize, steps = c.stepsPerEpoch, e = c.epochs
    let nUsed = steps * b
    let schedule = mode == .replay ? c.lambdaReturned : nil
    var driver = try RegBNDriver<T>(configuration: configuration, epochs: e, stepsPerEpoch: steps,
                                    lambdaSchedule: schedule)
    func batch(_ rows: Range<Int>) -> (f: Matrix<T>, g: Matrix<T>) {
        (Matrix(rows: rows.count, columns: c.p, storage: c.f[(rows.lowerBound * c.p)..<(rows.upperBound * c.p)].map { T($0) }),
         Matrix(rows: rows.count, columns: c.q, storage: c.g[(rows.lowerBound * c.q)..<(rows.upperBound * c.q)].map { T($0) }))
    }
    var out = ProtocolOutput()
    var a: [String: [Double]] = [:]
    func add(_ key: String, _ values: [Double]) { a[key, default: []].append(contentsOf: values) }
    let nan = Double.nan
    var lastInSet = Double.nan
    let start = Date()
    try driver.train(batch: { _, step in batch((step * b)..<((step + 1) * b)) }) { index, r in
        add("train/epoch", [Double(index / steps)])
        add("train/batch", [Double(index % steps)])
        add("train/row_start", [Double((index % steps) * b)])
        add("train/returned_inputs", [r.returnedInputs ? 1 : 0])
        add("train/svd_failed", [0])
        let lambda = Double(r.lambda ?? .nan)
        add("train/lambda_returned", [lambda])
        add("train/lambda", [r.fallback ? nan : Double(r.lambdaAppended ?? .nan)])
        // A batch returned unchanged appends nothing: the set's last entry stays.
        if let appended = r.lambdaAppended { lastInSet = Double(appended) }
        add("train/lambda_set_last", [lastInSet])
        add("train/lambda_set_len_before", [Double(r.historyCountBefore)])
        add("train/fallback", [r.fallback ? 1 : 0])
        add("train/lambda_objective_at_chosen", [r.objectiveAtLambda.map { Double($0) } ?? nan])
        add("train/lambda_init_median", [r.historyMedianBefore.map { Double($0) } ?? nan])
        // Trial records, NaN/−1 padded to 5 (no trials when λ was injected or the batch returned).
        let trials = r.trials
        let pad = 5 - trials.count
        add("train/n_trials", [Double(trials.count)])
        add("train/trial_init", trials.map(\.initialLambda) + Array(repeating: nan, count: pad))
        add("train/trial_final_lambda", trials.map(\.finalLambda) + Array(repeating: nan, count: pad))
        add("train/trial_final_loss", trials.map(\.finalLoss) + Array(repeating: nan, count: pad))
        add("train/trial_n_closure_evals", trials.map { Double($0.closureEvaluations) } + Array(repeating: -1, count: pad))
        let k = min(b, c.q)
        let nans = { (n: Int) in [Double](repeating: nan, count: n) }
        if let spectrum = r.spectrum, let u = r.update, let wHat = r.wHat {
            add("train/g_nor_singular_values_raw", spectrum.raw.map { Double($0) })
            add("train/g_nor_singular_values", spectrum.thresholded.map { Double($0) })
            add("train/objective_grid", try c.gridLambdas.map { Double(try RegBNModule<T>.objective(spectrum, at: $0)) })
            add("train/l1_gap", [Double(u.l1Gap)])
            add("train/adam_m", [Double(u.m)])
            add("train/adam_v", [Double(u.v)])
            add("train/eta", [Double(u.eta)])
            add("train/W_hat_fro", [Double(frobeniusNorm(wHat))])
            add("train/W_fro_after", [Double(u.wFrobeniusAfter)])
            add("train/W_hat_row_sums", rowSums(wHat).map { Double($0) })
            add("train/W_hat_col_sums", columnSums(wHat).map { Double($0) })
            add("train/W_hat", wHat.storage.map { Double($0) })
            out.spectra.append(StepSpectrum(raw: spectrum.raw.map { Double($0) },
                                            thresholded: spectrum.thresholded.map { Double($0) }))
        } else {
            // A batch returned unchanged (NaN input): nothing was estimated.
            for key in ["train/l1_gap", "train/adam_m", "train/adam_v", "train/eta", "train/W_hat_fro", "train/W_fro_after"] {
                add(key, [nan])
            }
            add("train/g_nor_singular_values_raw", nans(k))
            add("train/g_nor_singular_values", nans(k))
            add("train/objective_grid", nans(c.gridLambdas.count))
            add("train/W_hat_row_sums", nans(c.q))
            add("train/W_hat_col_sums", nans(c.p))
            add("train/W_hat", nans(c.q * c.p))
            out.spectra.append(StepSpectrum(raw: [], thresholded: []))
        }
        add("train/f_r", r.f.storage.map { Double($0) })
        add("train/g_out", r.g.storage.map { Double($0) })
        out.lambdas.append(lambda)
        out.fallbacks.append(r.fallback)
    }
    let module = driver.module
    let w = module.projection.w
    if let strides = c.wStrides {
        var sub: [Double] = []
        for i in stride(from: 0, to: w.rows, by: strides.rows) {
            for j in stride(from: 0, to: w.columns, by: strides.columns) { sub.append(Double(w[i, j])) }
        }
        a["state/W_sub"] = sub
    } else {
        a["state/W"] = w.storage.map { Double($0) }
    }
    a["state/W_row_sums"] = rowSums(w).map { Double($0) }
    a["state/W_col_sums"] = columnSums(w).map { Double($0) }
    a["state/W_fro"] = [Double(frobeniusNorm(w))]
    a["state/lambda_set"] = module.lambdaHistory.values.map { Double($0) }
    a["state/adam_m"] = [Double(module.projection.m)]
    a["state/adam_v"] = [Double(module.projection.v)]
    a["state/is_nan_latched"] = [0]
    for (name, norm) in [("norm_f", module.normF), ("norm_g", module.normG)] {
        if let state = norm.batchNormState {
            a["state/\(name)/running_mean"] = state.runningMean.map { Double($0) }
            a["state/\(name)/running_var"] = state.runningVar.map { Double($0) }
            a["state/\(name)/num_batches_tracked"] = [Double(state.batchesTracked)]
            a["state/\(name)/momentum"] = [state.momentum]
            a["state/\(name)/eps"] = [state.eps]
        }
    }
    for r0 in stride(from: 0, to: c.sampleCount, by: b) {
        let (f, g) = batch(r0..<min(r0 + b, c.sampleCount))
        let r = try driver.inference(f: f, g: g)
        add("eval/f_r", r.f.storage.map { Double($0) })
        add("eval/g_out", r.g.storage.map { Double($0) })
    }
    // Train g_out is LayerNorm(raw g) and does not depend on training (quirk 11).
    let trainG = a["train/g_out"] ?? []
    let evalG = a["eval/g_out"] ?? []
    let perEpoch = nUsed * c.q
    let equal = (0..<e).allSatisfy { epoch in
        Array(trainG[(epoch * perEpoch)..<((epoch + 1) * perEpoch)]) == Array(evalG[0..<perEpoch])
    }
    a["train/g_out_equals_eval"] = [equal ? 1 : 0]
    a["train/objective_grid_lambdas"] = c.gridLambdas
    out.seconds = Date().timeIntervalSince(start)
    out.arrays = a
    return out
}
