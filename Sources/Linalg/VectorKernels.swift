// Element-wise reductions and the fused blend over runs of storage, in eight lanes
// with Double accumulators (SIMD vectors, or eight scalar accumulators where those
// compile to cheaper instructions). Besides BLASLAPACK.swift this is the module's
// only raw-pointer code: a loop over bounds-checked subscripts does not vectorise,
// and SIMD vectors built from array slices run ≈60× slower in generic code
// (measured), so the lanes are loaded from the storage itself. Eight Double partial
// sums also round less than one running sum.

/// Frobenius norm `‖A‖_F = √(Σᵢⱼ aᵢⱼ²)`, accumulated in Double whatever the element type:
/// a float32 running sum over the millions of entries of a RegBN W would lose digits
/// the fixtures' tolerances do not allow.
@inlinable
public func frobeniusNorm<T: LinalgScalar>(_ a: Matrix<T>) -> T {
    T(sumOfSquares(a.storage, a.storage.indices).squareRoot())
}

/// Equal-length runs of elements at a fixed stride: run i covers
/// `start + i·stride ..< start + i·stride + length` for i in `0..<count`. One row is a
/// single run; one channel of a batch stored samples × (channels·spatial) is a run of
/// `spatial` elements per sample, `channels·spatial` apart.
///
/// The kernels below take an array and runs rather than slices: a slice retains its
/// array, which costs more than the arithmetic on the short rows of a LayerNorm.
public struct StridedRuns: Sendable, Equatable {
    public let start: Int
    public let length: Int
    public let stride: Int
    public let count: Int

    public init(start: Int, length: Int, stride: Int, count: Int) {
        precondition(start >= 0 && length >= 0 && count >= 0 && (count <= 1 || stride >= length),
                     "runs of \(length) elements every \(stride) from \(start), \(count) times")
        self.start = start
        self.length = length
        self.stride = stride
        self.count = count
    }

    /// The single run `range`.
    public init(_ range: Range<Int>) {
        self.init(start: range.lowerBound, length: range.count, stride: range.count, count: 1)
    }

    /// One past the last element covered (`start` when there is none).
    var end: Int { count == 0 || length == 0 ? start : start + (count - 1) * stride + length }
}

/// `Σ x[runs]`, accumulated in Double.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func sum<T: LinalgScalar>(_ x: [T], _ runs: StridedRuns) -> Double {
    centredMoment(x, runs, center: 0, squared: false)
}

/// `Σ x[range]`, accumulated in Double.
@inlinable
public func sum<T: LinalgScalar>(_ x: [T], _ range: Range<Int>) -> Double { sum(x, StridedRuns(range)) }

/// `Σ x[range]²`, accumulated in Double.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func sumOfSquares<T: LinalgScalar>(_ x: [T], _ range: Range<Int>) -> Double {
    centredMoment(x, StridedRuns(range), center: 0, squared: true)
}

/// `Σ (x[runs] − center)²`, the deviations formed and accumulated in Double (the second
/// moment of LayerNorm and BatchNorm).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func sumOfSquaredDeviations<T: LinalgScalar>(_ x: [T], _ runs: StridedRuns, from center: Double) -> Double {
    centredMoment(x, runs, center: center, squared: true)
}

/// `Σ (x[range] − center)²`, in Double.
@inlinable
public func sumOfSquaredDeviations<T: LinalgScalar>(_ x: [T], _ range: Range<Int>, from center: Double) -> Double {
    sumOfSquaredDeviations(x, StridedRuns(range), from: center)
}

/// `Σ (x[runs] − center)` or, when `squared`, `Σ (x[runs] − center)²`, in Double, each
/// run's total added to the running total in run order.
@inline(__always)
private func centredMoment<T: LinalgScalar>(_ x: [T], _ runs: StridedRuns, center: Double, squared: Bool) -> Double {
    precondition(runs.end <= x.count, "runs up to \(runs.end) of \(x.count) elements")
    return x.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return 0 }
        var total = 0.0
        for run in 0..<runs.count {
            total += runMoment(base + runs.start + run * runs.stride, runs.length, center: center, squared: squared)
        }
        return total
    }
}

/// The centred first or second moment of `length` elements from `x0`: eight Double lanes,
/// then the tail element by element.
@inline(__always)
func runMoment<T: LinalgScalar>(_ x0: UnsafePointer<T>, _ length: Int, center: Double, squared: Bool) -> Double {
    let raw = UnsafeRawPointer(x0)
    let width = MemoryLayout<T>.stride
    let centerLanes = SIMD8<Double>(repeating: center)
    var lanes = SIMD8<Double>()
    var i = 0
    while i + 8 <= length {
        let d = SIMD8<Double>(raw.loadUnaligned(fromByteOffset: i * width, as: SIMD8<T>.self)) - centerLanes
        lanes += squared ? d * d : d
        i += 8
    }
    var total = lanes.sum()
    while i < length {
        let d = Double(x0[i]) - center
        total += squared ? d * d : d
        i += 1
    }
    return total
}

/// `y = (x − center)·scale` on `length` elements, through Double (`y` may be `x`).
@inline(__always)
func runStandardize<T: LinalgScalar>(_ x0: UnsafePointer<T>, into y0: UnsafeMutablePointer<T>, _ length: Int,
                                             center: Double, scale: Double) {
    let source = UnsafeRawPointer(x0), target = UnsafeMutableRawPointer(y0)
    let width = MemoryLayout<T>.stride
    let centerLanes = SIMD8<Double>(repeating: center), scaleLanes = SIMD8<Double>(repeating: scale)
    var i = 0
    while i + 8 <= length {
        let wide = SIMD8<Double>(source.loadUnaligned(fromByteOffset: i * width, as: SIMD8<T>.self))
        target.storeBytes(of: SIMD8<T>((wide - centerLanes) * scaleLanes), toByteOffset: i * width, as: SIMD8<T>.self)
        i += 8
    }
    while i < length {
        y0[i] = T((Double(x0[i]) - center) * scale)
        i += 1
    }
}

/// Whether every element of `x` is finite (no NaN, no ±infinity), in one vectorised pass.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func allFinite<T: LinalgScalar>(_ x: [T]) -> Bool {
    x.withUnsafeBufferPointer { p in
        guard let x0 = p.baseAddress else { return true }
        let raw = UnsafeRawPointer(x0)
        let width = MemoryLayout<T>.stride
        // x·0 is 0 for every finite x and NaN for NaN and ±infinity; a NaN sticks in the sum.
        var lanes = SIMD8<T>()
        var i = 0
        while i + 8 <= p.count {
            lanes += raw.loadUnaligned(fromByteOffset: i * width, as: SIMD8<T>.self) * 0
            i += 8
        }
        var total = lanes.sum()
        while i < p.count {
            total += x0[i] * 0
            i += 1
        }
        return total == 0
    }
}

/// `Σ |aᵢ − bᵢ|`, each difference formed in the element type (as torch's L1Loss does)
/// and accumulated in Double.
///
/// - Precondition: the ranges have the same length and lie within their arrays.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func sumOfAbsoluteDifferences<T: LinalgScalar>(_ a: [T], _ aRange: Range<Int>, _ b: [T], _ bRange: Range<Int>) -> Double {
    requirePairedRanges("sumOfAbsoluteDifferences", aRange, of: a.count, bRange, of: b.count)
    return a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            guard let a0 = pa.baseAddress.map({ $0 + aRange.lowerBound }),
                  let b0 = pb.baseAddress.map({ $0 + bRange.lowerBound }) else { return 0 }
            // Eight scalar accumulators, not SIMD lanes: |·| and the widening compile to
            // cheaper instructions this way (0.17 against 0.29 ns per element, measured).
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
            var i = 0
            while i + 8 <= aRange.count {
                s0 += Double(abs(a0[i] - b0[i])); s1 += Double(abs(a0[i + 1] - b0[i + 1]))
                s2 += Double(abs(a0[i + 2] - b0[i + 2])); s3 += Double(abs(a0[i + 3] - b0[i + 3]))
                s4 += Double(abs(a0[i + 4] - b0[i + 4])); s5 += Double(abs(a0[i + 5] - b0[i + 5]))
                s6 += Double(abs(a0[i + 6] - b0[i + 6])); s7 += Double(abs(a0[i + 7] - b0[i + 7]))
                i += 8
            }
            var total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
            while i < aRange.count {
                total += Double(abs(a0[i] - b0[i]))
                i += 1
            }
            return total
        }
    }
}

/// Traps unless both ranges have the same length and lie within their arrays (a
/// programming error in the caller, never a property of data).
private func requirePairedRanges(_ function: String, _ a: Range<Int>, of aCount: Int, _ b: Range<Int>, of bCount: Int) {
    precondition(a.count == b.count && a.lowerBound >= 0 && a.upperBound <= aCount && b.lowerBound >= 0
                 && b.upperBound <= bCount, "\(function): ranges \(a) of \(aCount) and \(b) of \(bCount) elements")
}

/// `y[range] ← keep·y[range] + eta·x[xRange]` element-wise in the element type — each product
/// rounded, then the sum, exactly as torch evaluates `(1 − η)·W + η·W_hat` — and
/// returns `Σ y[range]²` of the result, accumulated in Double.
///
/// - Precondition: the ranges have the same length and lie within their arrays.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func blend<T: LinalgScalar>(_ y: inout [T], _ range: Range<Int>, keep: T, eta: T,
                                   with x: [T], _ xRange: Range<Int>) -> Double {
    requirePairedRanges("blend", range, of: y.count, xRange, of: x.count)
    return y.withUnsafeMutableBufferPointer { py in
        x.withUnsafeBufferPointer { px in
            guard let y0 = py.baseAddress.map({ $0 + range.lowerBound }),
                  let x0 = px.baseAddress.map({ $0 + xRange.lowerBound }) else { return 0 }
            let ry = UnsafeMutableRawPointer(y0), rx = UnsafeRawPointer(x0)
            let width = MemoryLayout<T>.stride
            let keepLanes = SIMD8<T>(repeating: keep), etaLanes = SIMD8<T>(repeating: eta)
            var lanes = SIMD8<Double>()
            var i = 0
            while i + 8 <= range.count {
                let blended = keepLanes * ry.loadUnaligned(fromByteOffset: i * width, as: SIMD8<T>.self)
                    + etaLanes * rx.loadUnaligned(fromByteOffset: i * width, as: SIMD8<T>.self)
                ry.storeBytes(of: blended, toByteOffset: i * width, as: SIMD8<T>.self)
                let wide = SIMD8<Double>(blended)
                lanes += wide * wide
                i += 8
            }
            var total = lanes.sum()
            while i < range.count {
                y0[i] = keep * y0[i] + eta * x0[i]
                total += Double(y0[i]) * Double(y0[i])
                i += 1
            }
            return total
        }
    }
}

/// `x[runs] ← (x[runs] − center)·scale`, each element widened to Double, shifted and
/// scaled there and rounded once to the element type (how BatchNorm applies its
/// statistics here).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func standardize<T: LinalgScalar>(_ x: inout [T], _ runs: StridedRuns, center: Double, scale: Double) {
    precondition(runs.end <= x.count, "standardize: runs up to \(runs.end) of \(x.count) elements")
    x.withUnsafeMutableBufferPointer { p in
        guard let x0 = p.baseAddress else { return }
        standardizeRuns(UnsafePointer(x0), into: x0, runs, center: center, scale: scale)
    }
}

/// `y[runs] = (x[runs] − center)·scale` (see the in-place version), x left as it is: no copy
/// of x first. `y` has x's length; its elements outside `runs` are left as they were.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func standardize<T: LinalgScalar>(_ x: [T], into y: inout [T], _ runs: StridedRuns, center: Double, scale: Double) {
    precondition(runs.end <= x.count && y.count == x.count, "standardize: runs up to \(runs.end) of \(x.count) into \(y.count)")
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
            guard let x0 = px.baseAddress, let y0 = py.baseAddress else { return }
            standardizeRuns(x0, into: y0, runs, center: center, scale: scale)
        }
    }
}

@inline(__always)
private func standardizeRuns<T: LinalgScalar>(_ x0: UnsafePointer<T>, into y0: UnsafeMutablePointer<T>, _ runs: StridedRuns,
                                              center: Double, scale: Double) {
    for run in 0..<runs.count {
        let offset = runs.start + run * runs.stride
        runStandardize(x0 + offset, into: y0 + offset, runs.length, center: center, scale: scale)
    }
}

/// Each run of `x` standardised by its own statistics, in place: `(x − mean)/√(var + epsilon)`
/// with the biased variance, both moments accumulated in Double over two passes (a
/// LayerNorm without affine parameters, one row per run).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func standardizeEachRun<T: LinalgScalar>(_ x: inout [T], _ runs: StridedRuns, epsilon: Double) {
    precondition(runs.end <= x.count, "standardizeEachRun: runs up to \(runs.end) of \(x.count) elements")
    x.withUnsafeMutableBufferPointer { p in
        guard let x0 = p.baseAddress else { return }
        standardizeEachRun(UnsafePointer(x0), into: x0, runs, epsilon: epsilon)
    }
}

/// The same from `x` into `y` (x's length; elements outside `runs` left as they were).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func standardizeEachRun<T: LinalgScalar>(_ x: [T], into y: inout [T], _ runs: StridedRuns, epsilon: Double) {
    precondition(runs.end <= x.count && y.count == x.count,
                 "standardizeEachRun: runs up to \(runs.end) of \(x.count) into \(y.count)")
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
            guard let x0 = px.baseAddress, let y0 = py.baseAddress else { return }
            standardizeEachRun(x0, into: y0, runs, epsilon: epsilon)
        }
    }
}

@inline(__always)
private func standardizeEachRun<T: LinalgScalar>(_ x0: UnsafePointer<T>, into y0: UnsafeMutablePointer<T>,
                                                 _ runs: StridedRuns, epsilon: Double) {
    guard runs.length > 0 else { return }
    let n = Double(runs.length)
    for run in 0..<runs.count {
        let offset = runs.start + run * runs.stride
        let mean = runMoment(x0 + offset, runs.length, center: 0, squared: false) / n
        let squares = runMoment(x0 + offset, runs.length, center: mean, squared: true)
        runStandardize(x0 + offset, into: y0 + offset, runs.length, center: mean,
                       scale: 1 / (squares / n + epsilon).squareRoot())
    }
}

/// `x[range] ← (x[range] − center)·scale` (see the runs version).
@inlinable
public func standardize<T: LinalgScalar>(_ x: inout [T], _ range: Range<Int>, center: Double, scale: Double) {
    standardize(&x, StridedRuns(range), center: center, scale: scale)
}
