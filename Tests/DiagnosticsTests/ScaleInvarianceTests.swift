import Diagnostics
import Foundation
import Linalg
import Testing

/// Every reported number of one pair, by name: values, p-values, interval ends.
private func reportedNumbers(_ x: Matrix<Double>, _ y: Matrix<Double>, sigmaX: Double?, sigmaY: Double?) throws
    -> [String: Double] {
    var numbers: [String: Double] = [:]
    let measures = DependenceMeasures(bandwidthX: sigmaX.map(Bandwidth.fixed) ?? .medianHeuristic,
                                      bandwidthY: sigmaY.map(Bandwidth.fixed) ?? .medianHeuristic,
                                      permutation: PermutationSettings(permutations: 30, seed: 2),
                                      bootstrap: BootstrapSettings(resamples: 20, seed: 3), threads: 2)
    let report = try measures(.continuous(x), .continuous(y),
                              channelsX: .continuous(try channelFeatures(x, channels: 3)),
                              channelsY: .continuous(try channelFeatures(y, channels: 2)))
    for estimate in report.estimates {
        let name = estimate.measure.rawValue
        numbers[name] = estimate.value
        for p in estimate.pValues { numbers["\(name) p \(p.method.label)"] = p.value }
        numbers["\(name) ci_low"] = estimate.interval?.low ?? .nan
        numbers["\(name) ci_high"] = estimate.interval?.high ?? .nan
    }
    let hsic = try #require(report.hsic)
    numbers["hsic normalized unbiased"] = hsic.normalizedUnbiased
    numbers["gamma alpha"] = hsic.gamma.alpha
    for (name, m) in [("x", x), ("y", y)] {
        let spectra = try SpectrumAnalysis(batchSize: 10)(m)
        numbers["spectrum \(name) effective_rank"] = spectra.map(\.effectiveRank).reduce(0, +)
        numbers["spectrum \(name) stable_rank"] = spectra.map(\.stableRank).reduce(0, +)
        numbers["spectrum \(name) condition_number"] = spectra.map(\.conditionNumber).reduce(0, +)
        numbers["spectrum \(name) numerical_rank"] = Double(spectra.map(\.numericalRank).reduce(0, +))
        let validation = try ChannelValidation(batchSize: 10, precision: .float64)(m, channels: m.columns / 2)
        numbers["channels \(name) effective_rank"] = validation.channelEffectiveRank
    }
    return numbers
}

private func times(_ m: Matrix<Double>, _ factor: Double) -> Matrix<Double> {
    Matrix(rows: m.rows, columns: m.columns, storage: m.storage.map { $0 * factor })
}

/// x·10ᵏ and y·10ᵏ (float64), each alone and both, for k ∈ {−300, −150, −39, 0,
/// 39, 150, 300}: every value, p-value and interval end within 1e-9 relative of
/// k = 0 (σ given scales with its operand), no NaN, no error. Set
/// DIAGNOSTICS_ERROR_REPORT to print the largest relative change per quantity.
@Test("Every reported number is invariant to multiplying x, y or both by 10^k over the float range",
      arguments: [-300, -150, -39, 0, 39, 150, 300])
func scaleInvariance(k: Int) throws {
    let x = TestData.gaussian(rows: 60, columns: 6, seed: 121)
    let y = TestData.dependent(on: x, columns: 4, noise: 0.7, seed: 122)
    let factor = pow(10.0, Double(k))
    var worstPerQuantity: [String: Double] = [:]
    for fixedSigma in [false, true] {
        let (sx, sy) = fixedSigma ? (1.3, 0.8) : (nil, nil)
        let reference = try reportedNumbers(x, y, sigmaX: sx, sigmaY: sy)
        for (scaleX, scaleY) in [(true, false), (false, true), (true, true)] {
            let scaled = try reportedNumbers(scaleX ? times(x, factor) : x, scaleY ? times(y, factor) : y,
                                             sigmaX: sx.map { scaleX ? $0 * factor : $0 },
                                             sigmaY: sy.map { scaleY ? $0 * factor : $0 })
            for (name, expected) in reference {
                let actual = try #require(scaled[name])
                #expect(expected.isNaN == actual.isNaN, "\(name): \(actual) at 10^\(k), \(expected) at 1")
                let error = expected == actual ? 0 : abs(actual - expected) / max(abs(expected), 1e-300)
                #expect(error <= 1e-9, "\(name) changed by \(error) (relative) at 10^\(k)")
                let quantity = String(name.split(separator: " ")[0])
                worstPerQuantity[quantity] = max(worstPerQuantity[quantity] ?? 0, error)
            }
        }
        #expect(reference.values.allSatisfy { $0.isFinite }, "a reference number is not finite")
    }
    if ProcessInfo.processInfo.environment["DIAGNOSTICS_ERROR_REPORT"] != nil {
        print("scale 10^\(k) largest relative change (value, p-values, interval): "
              + worstPerQuantity.keys.sorted().map { "\($0)=\(String(format: "%.1e", worstPerQuantity[$0]!))" }
                .joined(separator: " "))
    }
}
