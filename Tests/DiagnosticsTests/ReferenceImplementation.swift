import Foundation
import Linalg

/// Textbook O(n²·p) versions of the statistics with explicit differences and
/// full n×n matrices, written from the formulas and independent of the
/// module's one-pass code: the module must agree with them.
enum Reference {
    static func squaredDistances(_ x: Matrix<Double>) -> [[Double]] {
        (0..<x.rows).map { i in
            (0..<x.rows).map { j in
                zip(x.row(i), x.row(j)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
        }
    }

    static func centred(_ m: [[Double]]) -> [[Double]] {
        let n = Double(m.count)
        let rows = m.map { $0.reduce(0, +) / n }
        let grand = rows.reduce(0, +) / n
        return m.indices.map { i in m.indices.map { j in m[i][j] - rows[i] - rows[j] + grand } }
    }

    static func inner(_ a: [[Double]], _ b: [[Double]]) -> Double {
        zip(a, b).reduce(0) { $0 + zip($1.0, $1.1).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    static func gaussian(_ x: Matrix<Double>, sigma: Double) -> [[Double]] {
        squaredDistances(x).map { $0.map { exp(-$0 / (2 * sigma * sigma)) } }
    }

    /// HSIC_b = tr(HKH·HLH)/n².
    static func hsicBiased(_ k: [[Double]], _ l: [[Double]]) -> Double {
        inner(centred(k), centred(l)) / Double(k.count * k.count)
    }

    /// Song et al. (2012), the trace formula with zeroed diagonals.
    static func hsicUnbiased(_ k: [[Double]], _ l: [[Double]]) -> Double {
        let n = k.count, nd = Double(n)
        let kt = k.indices.map { i in k.indices.map { j in i == j ? 0 : k[i][j] } }
        let lt = l.indices.map { i in l.indices.map { j in i == j ? 0 : l[i][j] } }
        let trace = inner(kt, lt)
        let sk = kt.reduce(0) { $0 + $1.reduce(0, +) }, sl = lt.reduce(0) { $0 + $1.reduce(0, +) }
        let kRows = kt.map { $0.reduce(0, +) }, lRows = lt.map { $0.reduce(0, +) }
        let cross = zip(kRows, lRows).reduce(0) { $0 + $1.0 * $1.1 }
        return (trace + sk * sl / ((nd - 1) * (nd - 2)) - 2 / (nd - 2) * cross) / (nd * (nd - 3))
    }

    static func distances(_ x: Matrix<Double>) -> [[Double]] {
        squaredDistances(x).map { $0.map { $0.squareRoot() } }
    }

    static func distanceCorrelation(_ x: Matrix<Double>, _ y: Matrix<Double>) -> Double {
        let a = centred(squaredDistances(x).map { $0.map { $0.squareRoot() } })
        let b = centred(squaredDistances(y).map { $0.map { $0.squareRoot() } })
        return (inner(a, b) / (inner(a, a) * inner(b, b)).squareRoot()).squareRoot()
    }
}
