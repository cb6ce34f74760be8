import Foundation

/// The plain-language reading of a `ChannelValidationResult`: a verdict (what
/// the numbers say) and a recommendation (what to change), each a few
/// sentences with the numbers behind them.
///
/// The words follow from the numbers alone, so no two sentences can disagree:
/// "full rank" of a b × F batch always means rank F (every feature direction,
/// possible only when b ≥ F), and "rank-deficient" always means a numerical
/// rank below min(b, F), the most a batch can have.
struct ChannelVerdict {
    let result: ChannelValidationResult

    init(_ result: ChannelValidationResult) {
        self.result = result
    }

    /// Channel-count share of the 99 % variance count below which most /
    /// many channels are called redundant.
    static let mostlyRedundant = 0.2
    static let partlyRedundant = 0.5

    var verdict: String {
        [channelSentence, sizeSentence, batchSentence, thresholdSentence].joined(separator: " ")
    }

    var recommendation: String {
        [channelAdvice, batchAdvice, thresholdAdvice].compactMap { $0 }.joined(separator: " ")
    }

    // MARK: - Verdict

    private var channelSentence: String {
        let c = result.channels
        if c == 1 { return "1 channel: there is no channel redundancy to measure." }
        guard result.channelsVary else {
            return "\(c) channels whose per-sample means never vary: the channel features carry no variance to "
                + "measure redundancy on."
        }
        let k90 = result.channelsFor90PercentVariance, k99 = result.channelsFor99PercentVariance
        let share = Double(k99) / Double(c)
        let reading = share < Self.mostlyRedundant ? "most channels are redundant"
            : share < Self.partlyRedundant ? "many channels are redundant"
            : "the channels carry largely distinct information"
        return "\(c) channels, effective rank \(String(format: "%.1f", result.channelEffectiveRank)) "
            + "(\(percent(result.channelEffectiveRank, of: Double(c))) of the channel count); their per-sample "
            + "means keep 90 % of their variance in \(k90) principal \(plural(k90, "component")) and 99 % in "
            + "\(k99): \(reading)."
    }

    private var sizeSentence: String {
        let b = result.batchSize, f = result.featuresPerSample
        let product = (result.spatialShape + [result.channels]).map(String.init).joined(separator: "·")
        let size = result.spatialShape.isEmpty ? "\(f)" : "\(product) = \(f)"
        let start = "\(size) \(plural(f, "feature")) per sample against batches of \(b): "
        if result.fullRankPossible {
            return start + "a batch can have full rank, spanning every feature direction."
        }
        return start + "a batch spans at most \(b) of the \(f) feature directions, so no batch of \(b) can have full "
            + "column rank (that takes at least \(f) samples): as RegBN's g, this layer leaves the regression of f on "
            + "g underdetermined in every batch."
    }

    private var batchSentence: String {
        let n = result.batches.count
        guard n > 0 else { return "No full batch of \(result.batchSize) samples to analyse." }
        let deficient = result.rankDeficientBatches, ill = result.illConditionedBatches
        return "\(deficient) of \(n) \(plural(n, "batch", "batches")) (\(percent(deficient, of: n))) "
            + "\(deficient == 1 ? "is" : "are") rank-deficient (numerical rank below min(\(result.batchSize), "
            + "\(result.featuresPerSample)) = \(result.batchRankLimit)) and \(ill) of \(n) "
            + "(\(percent(ill, of: n))) ill-conditioned (condition number above "
            + "\(scientific(result.illConditionedThreshold)))."
    }

    private var thresholdSentence: String {
        let threshold = result.threshold
        let replaced = result.replacedPerBatch
        var text: String
        if threshold.relative == 0 {
            let zeros = replaced.reduce(0, +), batchesWithZeros = replaced.filter { $0 > 0 }.count
            text = "RegBN's thresholding (sigma_THR = 0) replaces only singular values that are exactly zero ("
                + (zeros == 0 ? "none here" : "\(zeros) in \(batchesWithZeros) \(plural(batchesWithZeros, "batch", "batches")) here")
                + ") by sigma_MIN = \(number(threshold.replacement))"
        } else if replaced.isEmpty {
            text = "RegBN's thresholding replaces the singular values at or below sigma_THR = "
                + "\(number(threshold.relative)) times the largest by sigma_MIN = \(number(threshold.replacement))"
        } else {
            let sorted = replaced.sorted()
            text = "RegBN's thresholding replaces the singular values at or below sigma_THR = "
                + "\(number(threshold.relative)) times the largest by sigma_MIN = \(number(threshold.replacement)): "
                + "a median of \(sorted[sorted.count / 2]) of \(result.batchRankLimit) per batch here (from "
                + "\(sorted.first ?? 0) to \(sorted.last ?? 0)), counted on the raw batches before RegBN's input "
                + "normalisation"
        }
        if !result.fullRankPossible {
            text += "; it only ever sees the \(result.batchRankLimit) values of a batch, and W_hat gives the other "
                + "\(result.featuresPerSample - result.batchRankLimit) feature directions no weight, whatever "
                + "sigma_THR and sigma_MIN are"
        }
        return text + "."
    }

    // MARK: - Recommendation

    private var channelAdvice: String? {
        let c = result.channels
        guard c > 1 else { return nil }
        guard result.channelsVary else { return "Check the layer: its channel means are the same for every sample." }
        let k90 = result.channelsFor90PercentVariance, k99 = result.channelsFor99PercentVariance
        if k99 < c {
            return "Fewer channels would do: \(k99) keep 99 % of the channel-feature variance and \(k90) keep 90 %, "
                + "against \(c) now."
        }
        return "Keep the \(c) channels: fewer would lose more than 1 % of the channel-feature variance."
    }

    private var batchAdvice: String {
        let b = result.batchSize, f = result.featuresPerSample
        let deficient = result.rankDeficientBatches, n = result.batches.count
        if result.fullRankPossible {
            return deficient == 0 ? "Batches of \(b) suit this flattened size."
                : "Batches of \(b) could have full rank, yet \(deficient) of \(n) do not: look for duplicated or "
                    + "constant channels or samples."
        }
        let spatial = result.spatialShape.reduce(1, *)
        let start = "Full column rank needs batches of at least \(f) samples, or at most \(b) features per sample"
        if spatial == 1 { return start + "." }
        let fitting = b / spatial
        if fitting >= 1 {
            return start + ": \(fitting) \(plural(fitting, "channel")) at this spatial size "
                + "(\(result.spatialShape.map(String.init).joined(separator: "×"))), or fewer after spatial pooling."
        }
        return start + ": even one channel has \(spatial) spatial features, more than \(b), so only spatial pooling "
            + "or larger batches bring it within reach."
    }

    private var thresholdAdvice: String? {
        let flagged = result.batches.filter { $0.flags.contains(.rankDeficient) || $0.flags.contains(.illConditioned) }
        guard !flagged.isEmpty else { return nil }
        let threshold = result.threshold
        if threshold.relative == 0 {
            return "At sigma_THR = 0 the near-zero singular values of the \(flagged.count) flagged "
                + "\(plural(flagged.count, "batch", "batches")) stay as they are, and whenever the λ search falls "
                + "back to λ = 0 RegBN's coefficients s/(s² + λ) = 1/s blow up on them: a small sigma_THR (e.g. "
                + "1e-3) with a positive sigma_MIN replaces them."
        }
        if threshold.replacement == 0 {
            return "sigma_MIN = 0 replaces them by zeros, and a λ = 0 fallback then makes s² + λ zero and stops the "
                + "run: use a positive sigma_MIN."
        }
        return nil
    }

    // MARK: - Numbers in words

    private func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
        count == 1 ? singular : pluralForm ?? singular + "s"
    }

    private func percent(_ part: Int, of whole: Int) -> String {
        percent(Double(part), of: Double(whole))
    }

    private func percent(_ part: Double, of whole: Double) -> String {
        whole > 0 ? String(format: "%.0f %%", 100 * part / whole) : "–"
    }

    /// 1e8, 1e4, 0.001: the shortest text that reads back to the value.
    private func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    private func scientific(_ value: Double) -> String {
        guard value > 0 && value.isFinite else { return "\(value)" }
        let exponent = log10(value)
        return exponent == exponent.rounded() ? "1e\(Int(exponent))" : number(value)
    }
}
