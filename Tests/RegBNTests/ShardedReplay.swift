import Cluster
import Foundation
import HDF5IO
import RegBN
import TestSupport

/// A recorded training run to replay step by step: which samples each step saw,
/// the `n_epoch` it passed and the λ it used, then inference over every sample.
struct ReplayScript: Sendable {
    struct Step: Sendable {
        let rows: [Int]
        let epochArgument: Int
        let lambda: LambdaChoice
    }

    let name: String
    let configuration: RegBNConfiguration
    let f: Matrix<Double>
    let g: Matrix<Double>
    let steps: [Step]
    let stepsPerEpoch: Int
    let batchSize: Int

    /// The same script with the λ search instead of the recorded λ's.
    var searching: ReplayScript {
        ReplayScript(name: name + " (searched λ)", configuration: configuration, f: f, g: g,
                     steps: steps.map { Step(rows: $0.rows, epochArgument: $0.epochArgument, lambda: .search) },
                     stepsPerEpoch: stepsPerEpoch, batchSize: batchSize)
    }

    /// A training-log fixture (`example_loop_*.h5`): the official example's loop with its
    /// logged order, batch sizes, epoch arguments and λ's (fixtures README).
    static func trainingLog(_ name: String) throws -> ReplayScript {
        let file = try HDF5File.open(TestPaths.fixture("\(name).h5").path)
        guard let json = try file.attribute("config").stringValue,
              let config = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let kwargs = config["regbn_kwargs"] as? [String: Any],
              let batchSize = config["b"] as? Int, let stepsPerEpoch = config["steps_per_epoch"] as? Int else {
            throw FixtureError("\(name).h5: config lacks b, steps_per_epoch or regbn_kwargs")
        }
        let f = try file.readArray("/f", as: Double.self), g = try file.readArray("/g", as: Double.self)
        let order = try file.readArray("/log/order", as: Int64.self)
        let sizes = try file.readArray("/log/batch_size", as: Int64.self).storage.map(Int.init)
        let epochArguments = try file.readArray("/log/epoch_arg", as: Int64.self).storage.map(Int.init)
        let lambdas = try file.readArray("/log/lambda", as: Double.self).storage
        let configuration = RegBNConfiguration(
            fChannels: f.shape[1], fSpatialShape: Array(f.shape.dropFirst(2)),
            gChannels: g.shape[1], gSpatialShape: Array(g.shape.dropFirst(2)),
            normalizeInput: kwargs["normalize_input"] as? Bool ?? false,
            normalizeOutput: kwargs["normalize_output"] as? Bool ?? true, affine: kwargs["affine"] as? Bool ?? false,
            sigmaThr: kwargs["sigma_THR"] as? Double ?? 0, sigmaMin: kwargs["sigma_MIN"] as? Double ?? 0)
        let n = f.shape[0]
        var steps: [Step] = []
        var position = 0
        for (index, size) in sizes.enumerated() {
            let epoch = index / stepsPerEpoch
            if index % stepsPerEpoch == 0 { position = 0 }
            let rows = order.storage[(epoch * n + position)..<(epoch * n + position + size)].map(Int.init)
            position += size
            steps.append(Step(rows: rows, epochArgument: epochArguments[index], lambda: .given(lambdas[index])))
        }
        return ReplayScript(name: name, configuration: configuration, f: flattened(f), g: flattened(g), steps: steps,
                            stepsPerEpoch: stepsPerEpoch, batchSize: batchSize)
    }

    /// A protocol fixture (`float64_parity.h5`, …): consecutive batches, epochs from 0,
    /// replaying `train/lambda_returned`.
    static func protocolFixture(_ name: String) throws -> ReplayScript {
        let (c, _) = try loadFixtureCase(name)
        let steps = (0..<(c.epochs * c.stepsPerEpoch)).map { index in
            let start = (index % c.stepsPerEpoch) * c.batchSize
            return Step(rows: Array(start..<(start + c.batchSize)), epochArgument: index / c.stepsPerEpoch,
                        lambda: .given(c.lambdaReturned[index]))
        }
        return ReplayScript(name: name, configuration: c.configuration,
                            f: Matrix(rows: c.sampleCount, columns: c.p, storage: c.f),
                            g: Matrix(rows: c.sampleCount, columns: c.q, storage: c.g),
                            steps: steps, stepsPerEpoch: c.stepsPerEpoch, batchSize: c.batchSize)
    }

    private static func flattened(_ array: FeatureArray<Double>) -> Matrix<Double> {
        Matrix(rows: array.shape[0], columns: array.storage.count / max(1, array.shape[0]), storage: array.storage)
    }
}

/// Everything a run produces, assembled on rank 0 from every rank's columns.
struct ReplayOutputs: Sendable {
    var trainingF: [Matrix<Double>] = []
    var trainingG: [Matrix<Double>] = []
    var lambdas: [Double] = []
    var gaps: [Double] = []
    var w = Matrix<Double>(rows: 0, columns: 0)
    var m = 0.0, v = 0.0
    var batchNormF: BatchNormState<Double>?
    var batchNormG: BatchNormState<Double>?
    var inferenceF: [Matrix<Double>] = []
    var inferenceG: [Matrix<Double>] = []

    /// Named arrays, for comparisons that say which output differs.
    var arrays: [(String, [Double])] {
        var named: [(String, [Double])] = [
            ("training f", trainingF.flatMap(\.storage)), ("training g", trainingG.flatMap(\.storage)),
            ("λ", lambdas), ("gap", gaps), ("W", w.storage), ("adam m, v", [m, v]),
            ("inference f", inferenceF.flatMap(\.storage)), ("inference g", inferenceG.flatMap(\.storage)),
        ]
        if let batchNormF { named.append(("f running mean, var", batchNormF.runningMean + batchNormF.runningVar)) }
        if let batchNormG { named.append(("g running mean, var", batchNormG.runningMean + batchNormG.runningVar)) }
        return named
    }
}

extension ReplayScript {
    /// Replays the script on `communicator`'s rank, each rank passing its own columns of f.
    func run(on communicator: any Communicator, wBlockElements: Int = 1 << 24) throws -> ReplayOutputs {
        var module = try RegBNModule<Double>(configuration: configuration, communicator: communicator)
        let columns = module.shard.columns
        var out = ReplayOutputs()
        for step in steps {
            let result = try module.trainingStep(f: f.selectingRows(step.rows).columns(columns),
                                                 g: g.selectingRows(step.rows), epoch: step.epochArgument,
                                                 stepsPerEpoch: stepsPerEpoch, lambda: step.lambda)
            if let whole = try module.gatheredColumns(result.f) { out.trainingF.append(whole) }
            out.trainingG.append(result.g)
            out.lambdas.append(result.lambda.map { Double($0) } ?? .nan)
            out.gaps.append(result.update.map { Double($0.l1Gap) } ?? .nan)
        }
        var w = Matrix<Double>(rows: configuration.gFeatureCount, columns: configuration.fFeatureCount)
        try module.forEachRowBlockOfW(maximumElements: wBlockElements) { rows, block in
            w.storage.replaceSubrange((rows.lowerBound * w.columns)..<(rows.upperBound * w.columns), with: block.storage)
        }
        out.w = w
        (out.m, out.v) = (module.projection.m, module.projection.v)
        out.batchNormF = try module.gatheredBatchNormStateF()
        out.batchNormG = module.normG.batchNormState
        var start = 0
        while start < f.rows {
            let rows = start..<min(f.rows, start + batchSize)
            let result = try module.inference(f: f.rows(rows).columns(columns), g: g.rows(rows))
            if let whole = try module.gatheredColumns(result.f) { out.inferenceF.append(whole) }
            out.inferenceG.append(result.g)
            start = rows.upperBound
        }
        return out
    }

    /// Rank 0's outputs of a run on `ranks` in-process ranks.
    func run(ranks: Int, wBlockElements: Int = 1 << 24) throws -> ReplayOutputs {
        let script = self
        return try LocalCluster.run(ranks: ranks) { try script.run(on: $0, wBlockElements: wBlockElements) }[0]
    }
}

/// max |a − b| / max |b| over an array (0 for equal arrays, ∞ for different lengths):
/// the error relative to the array's scale, which elements near zero cannot inflate.
func scaledDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    var difference = 0.0, scale = 0.0
    for (x, y) in zip(a, b) {
        if x.isNaN || y.isNaN {
            if x.isNaN != y.isNaN { return .infinity }
            continue
        }
        difference = max(difference, abs(x - y))
        scale = max(scale, abs(y))
    }
    return difference == 0 ? 0 : difference / scale
}
