import Foundation

// The samplers are written out here rather than taken from the standard
// library so that their output is part of this project's contract (see
// `SplitMix64`). Changing any of them changes every seeded result: note it in
// the README's changelog.
extension SplitMix64 {
    /// A uniform integer in 0..<bound by Lemire's multiply-and-reject method:
    /// unbiased, and fixed here rather than left to the standard library.
    public mutating func uniform(below bound: Int) -> Int {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Shuffles `values` in place (Fisher–Yates, from the back).
    public mutating func shuffle<Element>(_ values: inout [Element]) {
        var i = values.count - 1
        while i > 0 {
            values.swapAt(i, uniform(below: i + 1))
            i -= 1
        }
    }

    /// A uniformly random permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// `count` distinct indices drawn uniformly from 0..<total, ascending
    /// (Floyd's algorithm: O(count) draws and memory, whatever `total`).
    public mutating func sampleWithoutReplacement(_ count: Int, from total: Int) -> [Int] {
        precondition(count >= 0 && count <= total, "cannot draw \(count) distinct indices from \(total)")
        if count == total { return Array(0..<total) }
        var chosen = Set<Int>(minimumCapacity: count)
        for j in (total - count)..<total {
            let t = uniform(below: j + 1)
            chosen.insert(chosen.contains(t) ? j : t)
        }
        return chosen.sorted()
    }

    /// `count` indices drawn uniformly from 0..<total with replacement (a bootstrap resample).
    public mutating func sampleWithReplacement(_ count: Int, from total: Int) -> [Int] {
        (0..<count).map { _ in uniform(below: total) }
    }

    /// A uniform double in the open interval (0, 1): 53 random bits, centred in their cell.
    public mutating func unitInterval() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992  // 2^53
    }

    /// A standard normal draw (Box–Muller, cosine branch; two uniforms per draw).
    public mutating func standardNormal() -> Double {
        let radius = (-2 * log(unitInterval())).squareRoot()
        return radius * cos(2 * Double.pi * unitInterval())
    }
}
