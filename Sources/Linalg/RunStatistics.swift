// Per-run moments and standardisation: the statistics of many runs (the rows of a
// batch for a LayerNorm) in one call each, computed run by run exactly as
// `standardizeEachRun` computes them (the same eight-lane kernels), but with the
// sums handed back between the passes — where a LayerNorm whose rows are spread
// over several processes adds up every process's part before it standardises.

/// `Σ x[run]` of each run, in run order, each accumulated in Double.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func runSums<T: LinalgScalar>(_ x: [T], _ runs: StridedRuns) -> [Double] {
    runMoments(x, runs, centers: nil)
}

/// `Σ (x[run i] − centers[i])²` of each run i, each accumulated in Double.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func runSquaredDeviations<T: LinalgScalar>(_ x: [T], _ runs: StridedRuns, from centers: [Double]) -> [Double] {
    precondition(centers.count == runs.count, "\(centers.count) centres for \(runs.count) runs")
    return runMoments(x, runs, centers: centers)
}

@inline(__always)
private func runMoments<T: LinalgScalar>(_ x: [T], _ runs: StridedRuns, centers: [Double]?) -> [Double] {
    precondition(runs.end <= x.count, "runs up to \(runs.end) of \(x.count) elements")
    return x.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return [Double](repeating: 0, count: runs.count) }
        return (0..<runs.count).map { run in
            runMoment(base + runs.start + run * runs.stride, runs.length, center: centers?[run] ?? 0,
                      squared: centers != nil)
        }
    }
}

/// `y[run i] = (x[run i] − centers[i])·scales[i]`, each element through Double and
/// rounded once (x left as it is; y has x's length, its elements outside the runs
/// are left as they were).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func standardizeRuns<T: LinalgScalar>(_ x: [T], into y: inout [T], _ runs: StridedRuns,
                                             centers: [Double], scales: [Double]) {
    precondition(runs.end <= x.count && y.count == x.count && centers.count == runs.count
                 && scales.count == runs.count, "standardizeRuns: runs up to \(runs.end) of \(x.count) into \(y.count)")
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
            guard let x0 = px.baseAddress, let y0 = py.baseAddress else { return }
            for run in 0..<runs.count {
                let offset = runs.start + run * runs.stride
                runStandardize(x0 + offset, into: y0 + offset, runs.length, center: centers[run], scale: scales[run])
            }
        }
    }
}

/// The same in place.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func standardizeRuns<T: LinalgScalar>(_ x: inout [T], _ runs: StridedRuns, centers: [Double], scales: [Double]) {
    precondition(runs.end <= x.count && centers.count == runs.count && scales.count == runs.count,
                 "standardizeRuns: runs up to \(runs.end) of \(x.count) elements")
    x.withUnsafeMutableBufferPointer { p in
        guard let x0 = p.baseAddress else { return }
        for run in 0..<runs.count {
            let offset = runs.start + run * runs.stride
            runStandardize(UnsafePointer(x0 + offset), into: x0 + offset, runs.length, center: centers[run],
                           scale: scales[run])
        }
    }
}
