import SeededRandom
import Diagnostics
import Linalg
import Testing
import TestSupport

// Every statistic against /expected/diagnostics/<pair>/ of every fixture, within
// each dataset's rtol/atol (fixtures README, "Tolerance attributes"). The arrays
// are fed as stored, so these tests check the diagnostics apart from RegBN.

@Test("Gaussian HSIC, gamma test and permutation statistic match the fixtures",
      arguments: DiagnosticsFixtures.all)
func gaussianHSICMatchesFixtures(fixture: String, pair: String) throws {
    let data = try FixturePair(fixture: fixture, pair: pair)
    let seed = try data.scalar("permutation/seed")
    let permutations = 40  // the statistic and settings are compared; p-values are stochastic
    let result = try GaussianHSIC(permutation: PermutationSettings(permutations: permutations, seed: UInt64(seed)),
                                  threads: 2)(data.x, data.y)
    var log = ErrorLog()
    let g = result.gamma
    let sx = try #require(result.bandwidthX), sy = try #require(result.bandwidthY)
    let values: [(String, Double)] = [
        ("hsic_gamma/sigma_x", sx.sigma), ("hsic_gamma/sigma_y", sy.sigma),
        ("hsic_gamma/median_rows_x", Double(sx.rowsUsed)),
        ("hsic_gamma/median_rows_y", Double(sy.rowsUsed)),
        ("hsic_gamma/median_pairs_x", Double(sx.pairsUsed)),
        ("hsic_gamma/median_pairs_y", Double(sy.pairsUsed)),
        ("hsic_gamma/hsic_b", result.hsicBiased), ("hsic_gamma/test_stat", g.testStatistic),
        ("hsic_gamma/var_hsic", g.varianceHSIC), ("hsic_gamma/mu_x", g.muX), ("hsic_gamma/mu_y", g.muY),
        ("hsic_gamma/mean_hsic", g.meanHSIC), ("hsic_gamma/alpha", g.alpha), ("hsic_gamma/beta", g.beta),
        ("hsic_gamma/p_value", g.pValue), ("hsic_gamma/p_value_one_minus_cdf", g.pValueOneMinusCDF),
        ("hsic_unbiased", result.hsicUnbiased), ("hsic_b_xx", result.hsicBiasedXX),
        ("hsic_b_yy", result.hsicBiasedYY), ("cka_gaussian", result.normalized),
        ("cka_gaussian_unbiased", result.normalizedUnbiased),
        ("n", Double(result.n)), ("p", Double(result.p)), ("q", Double(result.q)),
        ("permutation/statistic", result.permutation!.statistic),
        ("crosscheck/dcor_on_our_kernels/hsic_u", result.hsicUnbiased),
        // Independent implementations (fixtures README, "Third-party agreement").
        ("crosscheck/pyrkhsstats/p_value", g.pValue), ("crosscheck/pyrkhsstats/alpha", g.alpha),
        ("crosscheck/pyrkhsstats/beta", g.beta), ("crosscheck/pyrkhsstats/test_stat", g.testStatistic),
        ("crosscheck/pyrkhsstats/hsic_b", result.hsicBiased), ("crosscheck/causallearn/hsic_b", result.hsicBiased),
        ("crosscheck/causallearn/test_stat_gretton", g.testStatistic),
        ("crosscheck/dcor_on_our_kernels/hsic_b", result.hsicBiased),
        ("crosscheck/hyppo/cka_gaussian", result.normalized),
        ("crosscheck/hyppo/cka_gaussian_unbiased", result.normalizedUnbiased),
    ]
    for (path, value) in values { log.note(path, try data.check(path, value)) }
    #expect(result.subsample.isComplete)
    log.report("\(fixture)/\(pair) hsic")
}

@Test("Linear HSIC and CKA match the fixtures", arguments: DiagnosticsFixtures.all)
func linearCKAMatchesFixtures(fixture: String, pair: String) throws {
    let data = try FixturePair(fixture: fixture, pair: pair)
    let result = try LinearCKA()(data.x, data.y)
    var log = ErrorLog()
    log.note("hsic_b_linear", try data.check("hsic_b_linear", result.hsicBiased))
    log.note("cka_linear", try data.check("cka_linear", result.cka))
    log.note("crosscheck/hyppo/cka_linear", try data.check("crosscheck/hyppo/cka_linear", result.cka))
    log.report("\(fixture)/\(pair) linear")
}

@Test("Distance correlation matches dcor 0.7 in the fixtures", arguments: DiagnosticsFixtures.all)
func distanceCorrelationMatchesFixtures(fixture: String, pair: String) throws {
    let data = try FixturePair(fixture: fixture, pair: pair)
    let seed = try data.scalar("dcor/perm_test_seed")
    let result = try DistanceCorrelation(permutation: PermutationSettings(permutations: 20, seed: UInt64(seed)),
                                         threads: 2)(data.x, data.y)
    var log = ErrorLog()
    let values: [(String, Double)] = [
        ("dcor/distance_correlation", result.distanceCorrelation),
        ("dcor/distance_correlation_sqr", result.distanceCorrelationSquared),
        ("dcor/u_distance_correlation_sqr", result.uDistanceCorrelationSquared),
        ("dcor/distance_covariance", result.distanceCovariance),
        ("dcor/perm_test_statistic", result.permutation!.statistic),
        ("crosscheck/hyppo/dcorr_biased", result.distanceCorrelation),
        ("crosscheck/hyppo/u_dcorr_sqr", result.uDistanceCorrelationSquared),
    ]
    for (path, value) in values { log.note(path, try data.check(path, value)) }
    #expect(result.permutation!.exceedances >= 0 && !result.permutation!.stratified)
    log.report("\(fixture)/\(pair) dcor")
}

@Test("Channel cross-correlation matches numpy.corrcoef in the fixtures", arguments: DiagnosticsFixtures.all)
func channelCorrelationMatchesFixtures(fixture: String, pair: String) throws {
    let data = try FixturePair(fixture: fixture, pair: pair)
    let result = try ChannelCorrelation()(data.x, channelsX: data.channelsX, data.y, channelsY: data.channelsY)
    var log = ErrorLog()
    #expect(result.constantChannelsX.isEmpty && result.constantChannelsY.isEmpty)
    log.note("matrix", try data.check("channel_corr/matrix", result.matrix.storage))
    log.note("mean_abs", try data.check("channel_corr/mean_abs", result.meanAbs))
    log.note("max_abs", try data.check("channel_corr/max_abs", result.maxAbs))
    log.note("rms", try data.check("channel_corr/rms", result.rms))
    log.report("\(fixture)/\(pair) channel_corr")
}

@Test("Batch spectra match numpy.linalg.svd in the fixtures", arguments: DiagnosticsFixtures.all)
func spectraMatchFixtures(fixture: String, pair: String) throws {
    let data = try FixturePair(fixture: fixture, pair: pair)
    var log = ErrorLog()
    for (name, m) in [("spectrum_x", data.x), ("spectrum_y", data.y)] {
        let batchSize = Int(try data.scalar("\(name)/batch_size"))
        let spectra = try SpectrumAnalysis(batchSize: batchSize)(m)
        log.note("n_batches", try data.check("\(name)/n_batches", Double(spectra.count)))
        log.note("eps", try data.check("\(name)/eps", Double.ulpOfOne))
        log.note("singular_values", try data.check("\(name)/singular_values", spectra.flatMap(\.singularValues)))
        log.note("tol", try data.check("\(name)/tol", spectra.map(\.tolerance)))
        log.note("numerical_rank", try data.check("\(name)/numerical_rank", spectra.map { Double($0.numericalRank) }))
        log.note("condition_number", try data.check("\(name)/condition_number", spectra.map(\.conditionNumber)))
        log.note("effective_rank", try data.check("\(name)/effective_rank", spectra.map(\.effectiveRank)))
        log.note("stable_rank", try data.check("\(name)/stable_rank", spectra.map(\.stableRank)))
    }
    log.report("\(fixture)/\(pair) spectrum")
}

/// On the null pair, where p is not degenerate (the other pairs give 1/(1+R)
/// whatever the generator; left out to keep debug test runs short).
@Test("With the fixtures' R and seed, permutation p-values agree with the stored ones within Monte Carlo error")
func permutationPValuesAgreeWithFixtures() throws {
    let data = try FixturePair(fixture: "conv_maps", pair: "null_shuffled")
    let hsicSettings = PermutationSettings(permutations: Int(try data.scalar("permutation/R")),
                                           seed: UInt64(try data.scalar("permutation/seed")))
    let dcorSettings = PermutationSettings(permutations: Int(try data.scalar("dcor/perm_test_R")),
                                           seed: UInt64(try data.scalar("dcor/perm_test_seed")))
    let hsic = try GaussianHSIC(permutation: hsicSettings, threads: 2)(data.x, data.y).permutation!
    let dcor = try DistanceCorrelation(permutation: dcorSettings, threads: 2)(data.x, data.y).permutation!
    try data.check("permutation/R", Double(hsic.permutations))
    try data.check("permutation/seed", Double(hsic.seed))
    try data.check("dcor/perm_test_R", Double(dcor.permutations))
    try data.check("dcor/perm_test_seed", Double(dcor.seed))
    // Different generators (NumPy's vs SplitMix64): two independent estimates of
    // the same p differ by ≈ √(2p(1−p)/R) ≤ 0.023 at R = 1000; allow 5 of those.
    let storedHSIC = try data.scalar("permutation/p_value"), storedDcor = try data.scalar("dcor/perm_test_p_value")
    #expect(abs(hsic.pValue - storedHSIC) < 0.11, "HSIC permutation p \(hsic.pValue) vs stored \(storedHSIC)")
    #expect(abs(dcor.pValue - storedDcor) < 0.11, "dCor permutation p \(dcor.pValue) vs stored \(storedDcor)")
}
