import Foundation
import Testing
@testable import Diagnostics

/// log Σ_{k<a} xᵏ/k! for integer a, summed in log space: Q(a, x) = e^{−x}·that.
private func logPoissonSum(a: Int, x: Double) -> Double {
    let terms = (0..<a).map { Double($0) * log(x) - lgamma(Double($0) + 1) }
    let top = terms.max()!
    return top + log(terms.reduce(0) { $0 + exp($1 - top) })
}

@Test("Q(1, x) = e^{-x}, including far tails")
func exponentialTail() {
    for x in [0.1, 1, 5, 30, 200, 600] {
        #expect(close(IncompleteGamma.upper(a: 1, x: x), exp(-x), 1e-13))
    }
}

@Test("Q(1/2, x) = erfc(√x)")
func halfIntegerCase() {
    for x in [0.01, 0.5, 2, 10, 40] {
        #expect(close(IncompleteGamma.upper(a: 0.5, x: x), erfc(x.squareRoot()), 1e-12))
    }
}

@Test("Integer shape: Q(a, x) = e^{-x}·Σ_{k<a} xᵏ/k! for large a, both sides of the mode, down to 1e-250")
func integerShapes() {
    for a in [3, 40, 250] {
        for factor in [0.5, 0.9, 1.0, 1.1, 2.0, 4.0] {
            let x = factor * Double(a)
            let expected = exp(-x + logPoissonSum(a: a, x: x))
            let q = IncompleteGamma.upper(a: Double(a), x: x)
            #expect(close(q, expected, 1e-11), "a \(a) x \(x): \(q) vs \(expected)")
            #expect(abs(q + IncompleteGamma.lower(a: Double(a), x: x) - 1) < 1e-14)
        }
    }
    let deep = IncompleteGamma.upper(a: 20, x: 700)
    #expect(deep > 0 && close(deep, exp(-700 + logPoissonSum(a: 20, x: 700)), 1e-11))
}

@Test("Edge cases: x = 0, x = ∞, invalid shape")
func incompleteGammaEdges() {
    #expect(IncompleteGamma.upper(a: 3, x: 0) == 1)
    #expect(IncompleteGamma.upper(a: 3, x: .infinity) == 0)
    #expect(IncompleteGamma.upper(a: 0, x: 1).isNaN)
    #expect(IncompleteGamma.upper(a: -1, x: 1).isNaN)
}
