import SeededRandom
import Testing
import RegBN

/// Vectors f[12] vs g[5] with a linear dependence, raw (identity) input normalisation.
private func linearPair<T: LinalgScalar>(batch: Int, seed: UInt64, as _: T.Type) -> (f: Matrix<T>, g: Matrix<T>) {
    var rng = SplitMix64(seed: seed)
    let g: Matrix<T> = gaussianMatrix(batch, 5, &rng)
    let a: Matrix<T> = gaussianMatrix(5, 12, &rng)
    var f = matmul(g, a)
    let noise: Matrix<T> = gaussianMatrix(batch, 12, &rng)
    for i in f.storage.indices { f.storage[i] += T(0.5) * noise.storage[i] }
    return (f, g)
}

@Test(arguments: [LambdaSolver.lbfgs, .root])
func ridgeNormalEquationsHoldAtTheChosenLambda(solver: LambdaSolver) throws {
    let config = RegBNConfiguration(fChannels: 12, gChannels: 5, normalizeInput: false, lambdaSolver: solver)
    var module = try RegBNModule<Double>(configuration: config)
    // Unnormalised g has large singular values, so h(λ) = 1 has a positive root.
    let (f, g) = linearPair(batch: 40, seed: 7, as: Double.self)
    let step = try module.trainingStep(f: f, g: g, epoch: 0, stepsPerEpoch: 1)
    let lambda = try #require(step.lambda)
    let wHat = try #require(step.wHat)
    #expect(!step.fallback)
    #expect(lambda > 0)
    // Gᵀ(F − G·W_hat) = λ·W_hat  ⇔  (GᵀG + λI)·W_hat = GᵀF
    var residual = f
    matmulAccumulate(g, wHat, into: &residual, alpha: -1, beta: 1)
    let lhs = matmul(g, residual, transposeA: true)
    let scale = matmul(g, f, transposeA: true).storage.map(abs).max()!
    for i in lhs.storage.indices {
        #expect(abs(lhs.storage[i] - lambda * wHat.storage[i]) <= 1e-11 * scale)
    }
}

@Test func outputsKeepTheInputShapes() throws {
    // f: 2 channels × 3×4 maps (BatchNorm2d), g: 3 channels × 5 (LayerNorm).
    let config = RegBNConfiguration(fChannels: 2, fSpatialShape: [3, 4], gChannels: 3, gSpatialShape: [5],
                                    normalizeInput: true)
    #expect(config.fInputNormalization == .batchNorm2d)
    #expect(config.gInputNormalization == .layerNorm)
    var module = try RegBNModule<Float>(configuration: config)
    var rng = SplitMix64(seed: 3)
    let f: Matrix<Float> = gaussianMatrix(10, 24, &rng)
    let g: Matrix<Float> = gaussianMatrix(10, 15, &rng)
    let step = try module.trainingStep(f: f, g: g, epoch: 0, stepsPerEpoch: 2)
    #expect(step.f.rows == 10 && step.f.columns == 24)
    #expect(step.g.rows == 10 && step.g.columns == 15)
    #expect(step.wHat?.rows == 15 && step.wHat?.columns == 24)
    #expect(step.spectrum?.raw.count == 10)
    let eval = try module.inference(f: f.rows(0..<3), g: g.rows(0..<3))
    #expect(eval.f.rows == 3 && eval.f.columns == 24 && eval.g.columns == 15)
    #expect(module.normF.batchNormState?.batchesTracked == 1)
}

@Test func aBatchWithNaNComesBackUnchangedAndLeavesTheStateAlone() throws {
    let config = RegBNConfiguration(fChannels: 12, gChannels: 5, normalizeInput: true)
    var module = try RegBNModule<Double>(configuration: config)
    let (f, g) = linearPair(batch: 30, seed: 11, as: Double.self)
    _ = try module.trainingStep(f: f, g: g, epoch: 0, stepsPerEpoch: 3)
    let before = (module.projection, module.lambdaHistory, module.normF, module.normG)
    var poisoned = g
    poisoned[4, 2] = .nan
    let step = try module.trainingStep(f: f, g: poisoned, epoch: 0, stepsPerEpoch: 3)
    #expect(step.returnedInputs)
    #expect(step.f == f)
    #expect(step.g.storage.indices.allSatisfy { i in
        step.g.storage[i] == poisoned.storage[i] || (step.g.storage[i].isNaN && poisoned.storage[i].isNaN)
    })
    #expect(module.projection == before.0)
    #expect(module.lambdaHistory == before.1)
    #expect(module.normF == before.2 && module.normG == before.3)
    let eval = try module.inference(f: f, g: poisoned)
    #expect(eval.returnedInputs && eval.f == f)
}

@Test func infinityIsAClearErrorNotALatch() throws {
    let config = RegBNConfiguration(fChannels: 12, gChannels: 5, normalizeInput: true)
    var module = try RegBNModule<Float>(configuration: config)
    let (f, g) = linearPair(batch: 20, seed: 5, as: Float.self)
    var bad = f
    bad[3, 7] = -.infinity
    #expect(throws: RegBNError.infiniteInput(modality: "f", row: 3, column: 7)) {
        try module.trainingStep(f: bad, g: g, epoch: 0, stepsPerEpoch: 1)
    }
    #expect(module.lambdaHistory.count == 0)
    // The module still works afterwards (no latch).
    let step = try module.trainingStep(f: f, g: g, epoch: 0, stepsPerEpoch: 1)
    #expect(!step.returnedInputs)
    #expect(throws: RegBNError.self) { try module.inference(f: f, g: { var x = g; x[0, 0] = .infinity; return x }()) }
}

@Test func mismatchedShapesAreRejectedWithTheirSizes() throws {
    let config = RegBNConfiguration(fChannels: 12, gChannels: 5)
    var module = try RegBNModule<Double>(configuration: config)
    let (f, g) = linearPair(batch: 10, seed: 1, as: Double.self)
    #expect(throws: RegBNError.self) { try module.trainingStep(f: f, g: f, epoch: 0, stepsPerEpoch: 1) }
    #expect(throws: RegBNError.self) { try module.trainingStep(f: f.rows(0..<4), g: g, epoch: 0, stepsPerEpoch: 1) }
}

@Test(arguments: [LambdaChoice.given(0), .search])
func aFailedStepLeavesTheStateUntouched(lambda: LambdaChoice) throws {
    // sigma-thr 1 replaces every singular value by sigma-min 0 (none exceeds max(s)·1),
    // whatever LAPACK returns for them: s² + λ = 0 at λ = 0, where the official
    // pseudo-inverse (torch.linalg.inv of a singular diagonal) raises. A searched λ gets
    // there too: h(λ) = 0 for every λ > 0, so the search fails and falls back to λ = 0.
    let config = RegBNConfiguration(fChannels: 3, gChannels: 2, gSpatialShape: [2, 2], normalizeInput: true,
                                    sigmaThr: 1, sigmaMin: 0)
    var module = try RegBNModule<Double>(configuration: config)
    var rng = SplitMix64(seed: 2)
    let f: Matrix<Double> = gaussianMatrix(6, 3, &rng)
    let g: Matrix<Double> = gaussianMatrix(6, 8, &rng)
    // A step with λ > 0 succeeds (W_hat = 0) and moves the BatchNorm statistics and the λ history.
    _ = try module.trainingStep(f: f, g: g, epoch: 0, stepsPerEpoch: 4, lambda: .given(2))
    let before = (module.normF, module.normG, module.projection, module.lambdaHistory)
    #expect(before.1.batchNormState?.batchesTracked == 1 && before.3.count == 1)
    #expect(throws: RegBNError.singularRegularisedSpectrum(lambda: 0)) {
        try module.trainingStep(f: f, g: g, epoch: 1, stepsPerEpoch: 4, lambda: lambda)
    }
    #expect(module.normF == before.0 && module.normG == before.1)
    #expect(module.projection == before.2)
    #expect(module.lambdaHistory == before.3)
}
