import HDF5IO

/// Which tolerance attributes of an expected dataset apply (fixture README,
/// "Tolerance attributes"): `free` for a run that does its own λ search,
/// `replay` for a run that injects the stored λ's.
public enum ToleranceProfile: Sendable {
    case free, replay
}

/// One `/expected/...` dataset of a fixture with its tolerance attributes.
public struct Expected: Sendable {
    public let path: String
    public let shape: [Int]
    /// Row-major values, widened to Double (integer flags and counts included).
    public let values: [Double]
    public let rtol, atol: Double
    public let rtolReplay, atolReplay: Double?
    public let stochastic, advisory, searchOutput: Bool

    public init(
        path: String, shape: [Int], values: [Double], rtol: Double, atol: Double,
        rtolReplay: Double? = nil, atolReplay: Double? = nil,
        stochastic: Bool = false, advisory: Bool = false, searchOutput: Bool = false
    ) {
        precondition(
            shape.reduce(1, *) == values.count, "Expected: shape \(shape) does not match \(values.count) values")
        self.path = path
        self.shape = shape
        self.values = values
        self.rtol = rtol
        self.atol = atol
        self.rtolReplay = rtolReplay
        self.atolReplay = atolReplay
        self.stochastic = stochastic
        self.advisory = advisory
        self.searchOutput = searchOutput
    }

    /// Reads the dataset and its attributes; `rtol`/`atol` are required,
    /// the others default to nil/false when absent.
    public static func load(_ file: HDF5File, _ path: String) throws -> Expected {
        let array = try file.readArray(path, as: Double.self)
        let names = Set(try file.attributes(of: path).map(\.name))
        func number(_ name: String) throws -> Double? {
            guard names.contains(name) else { return nil }
            guard let value = try file.attribute(name, of: path).doubleValue else {
                throw HDF5Error(
                    .unsupportedType, file: file.path, dataset: path,
                    message: "tolerance attribute '\(name)' is not a number",
                    fix: "Regenerate the fixture")
            }
            return value
        }
        func required(_ name: String) throws -> Double {
            guard let value = try number(name) else {
                throw HDF5Error(
                    .attributeNotFound, file: file.path, dataset: path,
                    message: "expected dataset has no '\(name)' tolerance attribute",
                    fix: "Regenerate the fixture")
            }
            return value
        }
        func flag(_ name: String) throws -> Bool { try number(name).map { $0 != 0 } ?? false }
        return Expected(
            path: path, shape: array.shape, values: array.storage,
            rtol: try required("rtol"), atol: try required("atol"),
            rtolReplay: try number("rtol_replay"), atolReplay: try number("atol_replay"),
            stochastic: try flag("stochastic"), advisory: try flag("advisory"),
            searchOutput: try flag("search_output"))
    }

    /// The (rtol, atol) pair of a profile; `replay` falls back to the free
    /// tolerances for datasets that carry no replay attributes.
    public func tolerances(_ profile: ToleranceProfile) -> (rtol: Double, atol: Double) {
        switch profile {
        case .free: (rtol, atol)
        case .replay: (rtolReplay ?? rtol, atolReplay ?? atol)
        }
    }

    /// nil when every element passes |a − e| ≤ atol + rtol·|e| (NaN matches
    /// NaN, an infinity only itself); otherwise a description naming the
    /// worst element.
    public func mismatch(_ actual: [Double], profile: ToleranceProfile = .free) -> String? {
        guard actual.count == values.count else {
            return "\(path): expected \(values.count) values (shape \(shape)), got \(actual.count)"
        }
        let (rtol, atol) = tolerances(profile)
        var failures = 0
        var worst: (index: Int, excess: Double)?
        for (index, (a, e)) in zip(actual, values).enumerated() {
            let excess: Double
            if e.isNaN || a.isNaN {
                excess = e.isNaN && a.isNaN ? -1 : .infinity
            } else if e.isInfinite || a.isInfinite {
                excess = a == e ? -1 : .infinity
            } else {
                excess = abs(a - e) - (atol + rtol * abs(e))
            }
            guard excess > 0 else { continue }
            failures += 1
            if worst == nil || excess > worst!.excess { worst = (index, excess) }
        }
        guard let worst else { return nil }
        let a = actual[worst.index]
        let e = values[worst.index]
        return "\(path): \(failures) of \(values.count) elements outside atol \(atol) + rtol \(rtol)·|expected| "
            + "(\(profile)); worst at \(multiIndex(worst.index)): actual \(a), expected \(e), |diff| \(abs(a - e))"
    }

    /// Largest absolute and relative (to |expected|) differences over the
    /// finite pairs; NaN/infinite pairs are left to `mismatch`.
    public func maxError(_ actual: [Double]) -> (abs: Double, rel: Double) {
        precondition(actual.count == values.count, "\(path): expected \(values.count) values, got \(actual.count)")
        var largest = (abs: 0.0, rel: 0.0)
        for (a, e) in zip(actual, values) where a.isFinite && e.isFinite {
            let difference = Swift.abs(a - e)
            largest.abs = max(largest.abs, difference)
            if difference > 0 {
                largest.rel = max(largest.rel, e == 0 ? .infinity : difference / Swift.abs(e))
            }
        }
        return largest
    }

    /// `[i, j, ...]` of a flat row-major index.
    public func multiIndex(_ flat: Int) -> [Int] {
        var remainder = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        return index
    }
}
