/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator whose
/// output is fixed by its seed on every platform and toolchain.
///
/// Every random choice of the project (shuffled training orders, permutation
/// tests, bootstrap resamples, subsamples, test data) draws from this type and
/// the samplers in `Sampling.swift`, never from the standard library's
/// `shuffle(using:)`/`random(in:using:)`, whose algorithms are not promised to
/// stay the same across Swift versions: a seed must name the same numbers forever.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The generator for stream `index` of a seeded family: each permutation of a
    /// test gets its own stream, so the result does not depend on which thread
    /// draws it or in which order.
    public init(seed: UInt64, stream index: Int) {
        var mixer = SplitMix64(seed: seed ^ 0x6A09_E667_F3BC_C909)
        let base = mixer.next()
        var keyed = SplitMix64(seed: base &+ UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
        state = keyed.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
