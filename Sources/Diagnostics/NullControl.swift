import SeededRandom

/// The shuffled-pairs control (`stage null` of summary.csv): every measure on
/// x against y with y's rows permuted, which destroys any dependence while
/// keeping both marginals. Its values show each estimator's floor at this n
/// (HSIC_b, dCor and the cross-correlation summaries are positive even for
/// independent data), and its p-values should look uniform over seeds.
public enum NullControl {
    /// The seeded permutation of the control: sample i of the shuffled operand is
    /// sample `order[i]`. Drawn from stream −1 of `SplitMix64(seed:stream:)`, a
    /// stream no permutation test or bootstrap resample (streams 0, 1, …) uses.
    public static func order(count: Int, seed: UInt64) -> [Int] {
        var generator = SplitMix64(seed: seed, stream: -1)
        return generator.permutation(count)
    }

    /// `y` with its samples shuffled by `order(count:seed:)`.
    public static func shuffled(_ y: Operand, seed: UInt64) -> Operand {
        y.selectingRows(order(count: y.sampleCount, seed: seed))
    }
}
