import SeededRandom
import Testing
import RegBN

private func batches(seed: UInt64) -> [(f: Matrix<Double>, g: Matrix<Double>)] {
    var rng = SplitMix64(seed: seed)
    return (0..<3).map { _ in
        let g: Matrix<Double> = gaussianMatrix(16, 4, &rng)
        var f = matmul(g, gaussianMatrix(4, 6, &rng) as Matrix<Double>)
        let noise: Matrix<Double> = gaussianMatrix(16, 6, &rng)
        for i in f.storage.indices { f.storage[i] += noise.storage[i] }
        return (f, g)
    }
}

private let config = RegBNConfiguration(fChannels: 6, gChannels: 4, normalizeInput: true)

@Test func driverPassesEpochAndStepsPerEpochLikeTheOfficialLoop() throws {
    let data = batches(seed: 21)
    var driver = try RegBNDriver<Double>(configuration: config, epochs: 2, stepsPerEpoch: 3)
    var module = try RegBNModule<Double>(configuration: config)
    var seen: [(Int, Int)] = []
    try driver.train(batch: { epoch, step in
        seen.append((epoch, step))
        return data[step]
    }) { index, result in
        let manual = try module.trainingStep(f: data[index % 3].f, g: data[index % 3].g,
                                             epoch: index / 3, stepsPerEpoch: 3)
        #expect(result.epoch == index / 3)
        #expect(result.lambda == manual.lambda)
        #expect(result.f == manual.f)
    }
    #expect(seen.map(\.0) == [0, 0, 0, 1, 1, 1] && seen.map(\.1) == [0, 1, 2, 0, 1, 2])
    // lambda_set keeps max(steps_per_epoch, 1) entries before appending.
    #expect(driver.module.lambdaHistory.count == 4)
    #expect(driver.module.projection == module.projection)
    let eval = try driver.inference(f: data[0].f, g: data[0].g)
    #expect(eval.f == (try module.inference(f: data[0].f, g: data[0].g)).f)
}

@Test func replayReproducesASearchedRunFromItsLambdas() throws {
    let data = batches(seed: 5)
    var searched = try RegBNDriver<Float>(configuration: config, epochs: 1, stepsPerEpoch: 3)
    var lambdas: [Double] = []
    var outputs: [Matrix<Float>] = []
    try searched.train(batch: { _, step in (data[step].f.converted(), data[step].g.converted()) }) { _, r in
        lambdas.append(Double(r.lambda!))
        outputs.append(r.f)
    }
    var replayed = try RegBNDriver<Float>(configuration: config, epochs: 1, stepsPerEpoch: 3, lambdaSchedule: lambdas)
    try replayed.train(batch: { _, step in (data[step].f.converted(), data[step].g.converted()) }) { index, r in
        #expect(r.search == nil)
        #expect(Double(r.lambda!) == lambdas[index])
        #expect(r.f == outputs[index])
    }
    #expect(replayed.module.projection == searched.module.projection)
}

@Test func replayScheduleMustCoverEveryStep() {
    #expect(throws: RegBNError.self) {
        try RegBNDriver<Double>(configuration: config, epochs: 2, stepsPerEpoch: 3, lambdaSchedule: [1, 2, 3])
    }
    #expect(throws: RegBNError.self) { try RegBNDriver<Double>(configuration: config, epochs: 0, stepsPerEpoch: 3) }
}

@Test func negativeReplayedLambdaIsRejected() throws {
    var module = try RegBNModule<Double>(configuration: config)
    let data = batches(seed: 9)
    #expect(throws: RegBNError.self) {
        try module.trainingStep(f: data[0].f, g: data[0].g, epoch: 0, stepsPerEpoch: 1, lambda: .given(-1))
    }
}

@Test func rootSolutionIsReportedBesideTheOfficialSearch() throws {
    // Raw (unnormalised) g of 16 Gaussian rows: singular values ≈ 4 > 1, so h(0⁺) > 1 and
    // h(λ) = 1 has a root; both solvers find a λ in the official window.
    var module = try RegBNModule<Double>(configuration: RegBNConfiguration(fChannels: 6, gChannels: 4))
    let data = batches(seed: 13)
    let step = try module.trainingStep(f: data[0].f, g: data[0].g, epoch: 0, stepsPerEpoch: 1)
    let root = try #require(step.rootSolution)
    let objective = try #require(step.spectrum).objective
    let lambda = try #require(step.lambda)
    #expect(!root.fallback && !step.fallback)
    #expect(root.lambda > 0 && lambda > 0)
    #expect(try objective.value(at: root.lambda) <= 1e-10)
    // The official search stops anywhere below 0.5; the root solver is never worse.
    #expect(try objective.value(at: root.lambda) <= objective.value(at: lambda))
}

@Test func copiesOfAModuleStepIndependently() throws {
    // The step's scratch buffers are shared by copies until one of them steps.
    let data = batches(seed: 31)
    var original = try RegBNModule<Double>(configuration: config)
    _ = try original.trainingStep(f: data[0].f, g: data[0].g, epoch: 0, stepsPerEpoch: 3)
    var copy = original
    var reference = original
    let fromOriginal = try original.trainingStep(f: data[1].f, g: data[1].g, epoch: 0, stepsPerEpoch: 3)
    let fromCopy = try copy.trainingStep(f: data[2].f, g: data[2].g, epoch: 0, stepsPerEpoch: 3)
    let fromReference = try reference.trainingStep(f: data[2].f, g: data[2].g, epoch: 0, stepsPerEpoch: 3)
    #expect(fromCopy.f == fromReference.f && fromCopy.g == fromReference.g)
    #expect(copy.projection == reference.projection)
    #expect(fromOriginal.f != fromCopy.f)
}
