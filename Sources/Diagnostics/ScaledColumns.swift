import Cluster
import Linalg

/// An operand's columns centred and rescaled by powers of two, the first step of
/// every measure: dependence statistics are scale-invariant, and this is what
/// makes their computation so over the whole float range.
///
/// ```
/// centred = (x − x̄)·2^exponent,   max |centred| ∈ [1, 2)
/// ```
/// The data are first scaled by a power of two taken from max |x| (so the column
/// sums cannot overflow at 1e300 nor lose their bits at 1e-300), then centred,
/// then scaled again from the centred maximum. Multiplying by a power of two is
/// exact (no rounding) as long as nothing leaves the normal range, so on
/// ordinary data every later quantity is bit for bit the unscaled computation
/// times a known power of two, and squared quantities (d², Gram entries, norms
/// squared) stay far from overflow and underflow whatever the data's magnitude.
///
/// A column whose values are all equal is centred to exact zeros (its mean
/// computed in floating point may differ from the value by an ulp), so a constant
/// operand gives exactly zero centred kernels and exactly tied permutations.
///
/// Over several ranks (`communicator`), `x` is this rank's block of columns: the
/// powers of two come from the largest magnitudes over all ranks' columns and
/// "constant" means constant in every column of every rank, so each rank's block
/// is exactly the matching columns of the single-process result.
struct ScaledColumns: Sendable {
    /// (x − x̄)·2^exponent, n × p (this rank's columns).
    let centred: Matrix<Double>
    /// The power of two applied: a length ℓ in these units is ℓ·2^(−exponent) in the data's.
    let exponent: Int
    /// Every column is constant: all rows are identical.
    let isConstant: Bool
    /// The ranks holding the other columns (`SingleProcess`: all columns are here).
    let communicator: any Communicator

    /// All of an operand's columns, in this process.
    init(_ x: Matrix<Double>) {
        self.init(x, communicator: SingleProcess(), largest: { $0 }, allConstant: { $0 })
    }

    /// This rank's block of an operand's columns, the others' on `communicator`'s ranks.
    init(_ x: Matrix<Double>, across communicator: any Communicator) throws(CommunicatorError) {
        try self.init(x, communicator: communicator, largest: { value throws(CommunicatorError) in
            try communicator.allreduceMax(value)
        }, allConstant: { flag throws(CommunicatorError) in try communicator.allSatisfy(flag) })
    }

    private init<E: Error>(_ x: Matrix<Double>, communicator: any Communicator,
                           largest overall: (Double) throws(E) -> Double,
                           allConstant: (Bool) throws(E) -> Bool) throws(E) {
        self.communicator = communicator
        let n = x.rows, p = x.columns
        var out = x
        var local = 0.0
        for v in x.storage { local = max(local, abs(v)) }
        let largest = try overall(local)
        guard largest > 0, n > 0 else {
            centred = Matrix(rows: n, columns: p)
            exponent = 0
            isConstant = true
            return
        }
        let first = -largest.exponent
        let firstScale = PowerOfTwo(first)
        var sums = [Double](repeating: 0, count: p)
        var low = [Double](repeating: .infinity, count: p), high = [Double](repeating: -.infinity, count: p)
        for i in 0..<n {
            for j in 0..<p {
                let v = firstScale.apply(x.storage[i * p + j])
                out.storage[i * p + j] = v
                sums[j] += v
                low[j] = min(low[j], v)
                high[j] = max(high[j], v)
            }
        }
        let means = sums.map { $0 / Double(n) }
        let constantColumn = (0..<p).map { low[$0] == high[$0] }
        var localCentredLargest = 0.0
        for i in 0..<n {
            for j in 0..<p {
                let v = constantColumn[j] ? 0 : out.storage[i * p + j] - means[j]
                out.storage[i * p + j] = v
                localCentredLargest = max(localCentredLargest, abs(v))
            }
        }
        isConstant = try allConstant(constantColumn.allSatisfy { $0 })
        let centredLargest = try overall(localCentredLargest)
        guard centredLargest > 0 else {
            centred = out
            exponent = first
            return
        }
        let second = -centredLargest.exponent
        if second != 0 {
            let secondScale = PowerOfTwo(second)
            for k in out.storage.indices { out.storage[k] = secondScale.apply(out.storage[k]) }
        }
        centred = out
        exponent = first + second
    }

    /// Every one of `rows` is the same row (in this rank's columns).
    func isConstant(on rows: [Int]) -> Bool {
        guard let first = rows.first else { return true }
        let reference = centred.row(first)
        return rows.allSatisfy { centred.row($0) == reference }
    }

    /// A length in these units (a distance, σ) expressed in the data's units.
    func inDataUnits(_ length: Double) -> Double { scaledByPowerOfTwo(length, -exponent) }

    /// A length in the data's units expressed in these units.
    func inScaledUnits(_ length: Double) -> Double { scaledByPowerOfTwo(length, exponent) }
}

/// v·2^e, exact unless the result leaves the normal range (scalbn).
@inline(__always)
func scaledByPowerOfTwo(_ v: Double, _ e: Int) -> Double {
    e == 0 ? v : Double(sign: .plus, exponent: e, significand: v)
}

/// Multiplication by 2^e for whole arrays: one multiply per value when 2^e is a
/// normal double (the same correctly rounded result as scalbn), scalbn otherwise.
struct PowerOfTwo: Sendable {
    let exponent: Int
    private let factor: Double?

    init(_ exponent: Int) {
        self.exponent = exponent
        factor = (-1022...1023).contains(exponent) ? Double(sign: .plus, exponent: exponent, significand: 1) : nil
    }

    @inline(__always)
    func apply(_ v: Double) -> Double {
        if let factor { return v * factor }
        return Double(sign: .plus, exponent: exponent, significand: v)
    }
}
