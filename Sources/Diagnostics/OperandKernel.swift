import Cluster
import Linalg

/// The kernel HSIC used for one operand.
public enum OperandKernel: Sendable, Equatable {
    /// Gaussian exp(−‖x − x′‖²/(2σ²)) of continuous features.
    case gaussian(BandwidthChoice)
    /// Delta kernel 1[a = b] of categorical labels with this many levels.
    case delta(levels: Int)

    public var bandwidth: BandwidthChoice? {
        if case .gaussian(let choice) = self { return choice }
        return nil
    }
}

/// An operand ready for n×n matrices: labels, or features scaled and centred.
enum PreparedOperand {
    case labels(CategoricalLabels)
    case data(ScaledColumns, original: Matrix<Double>)

    /// `operand` (this rank's block of its columns, or the whole labels), scaled over
    /// all of `layout`'s ranks.
    init(_ operand: Operand, layout: BlockLayout) throws(CommunicatorError) {
        switch operand {
        case .categorical(let labels): self = .labels(labels)
        case .continuous(let m): self = .data(try ScaledColumns(m, across: layout.communicator), original: m)
        }
    }

    /// All samples identical: one label, or one row repeated.
    var isConstant: Bool {
        switch self {
        case .labels(let labels): return labels.isConstant
        case .data(let scaled, _): return scaled.isConstant
        }
    }

    /// Every one of `rows` carries the same label or the same features (in this rank's columns).
    func isConstant(on rows: [Int]) -> Bool {
        switch self {
        case .labels(let labels): return Set(rows.map { labels.codes[$0] }).count <= 1
        case .data(let scaled, _): return scaled.isConstant(on: rows)
        }
    }

    /// The scaled, centred features (the one-hot code for labels, which needs no scaling).
    var centredFeatures: ScaledColumns {
        switch self {
        case .labels(let labels): return ScaledColumns(labels.oneHot)
        case .data(let scaled, _): return scaled
        }
    }
}

/// Builds HSIC's kernel of one operand in a workspace buffer.
struct KernelBuilder {
    let bandwidth: Bandwidth
    let rowSelection: SubsampleMethod
    let threads: Int

    /// The bandwidth that needs its own pass over the data (the median heuristic
    /// beyond 1000 rows, which uses `workspace.second` as scratch), chosen before
    /// any kernel occupies the workspace; nil when the kernel's own distances
    /// decide it (n ≤ 1000: the median's rows are all rows, so the squared
    /// distances become the kernel, one `syrk` instead of two).
    func preset(_ operand: PreparedOperand, name: String, workspace: KernelWorkspace) throws -> BandwidthChoice? {
        guard case .data(let scaled, let data) = operand else { return nil }
        switch bandwidth {
        case .fixed(let sigma):
            guard sigma > 0, sigma.isFinite else {
                throw DiagnosticsError.invalidSetting(name: "sigma for \(name)", value: "\(sigma)",
                                                      requirement: "must be a finite number > 0")
            }
            return BandwidthChoice(sigma: sigma, method: bandwidth)
        case .medianHeuristic:
            let heuristic = MedianHeuristic(rowSelection: rowSelection, threads: threads)
            if scaled.isConstant { return heuristic.constantChoice(rows: min(data.rows, heuristic.maxRows)) }
            guard data.rows > heuristic.maxRows else { return nil }
            return try heuristic.choose(data, operand: name, workspace: workspace, communicator: scaled.communicator)
        }
    }

    /// The kernel in `buffer`: delta for labels; Gaussian with σ from `preset` or
    /// from the median of the squared distances stored there first.
    func build(_ operand: PreparedOperand, preset: BandwidthChoice?,
               into buffer: inout [Double]) throws(CommunicatorError) -> (OperandKernel, SymmetricKernel) {
        switch operand {
        case .labels(let labels):
            return (.delta(levels: labels.levelCount), buildDeltaKernel(labels, into: &buffer, threads: threads))
        case .data(let scaled, _):
            if let preset {
                // A constant operand's kernel is all ones whatever σ: γ = 0.
                let sigma = scaled.inScaledUnits(preset.sigma)
                let gamma = scaled.isConstant ? 0 : 1 / (2 * sigma * sigma)
                let kernel = try buildSymmetricKernel(scaled, kind: .gaussian(gamma: gamma), into: &buffer,
                                                      threads: threads)
                return (.gaussian(preset), kernel)
            }
            _ = try buildSymmetricKernel(scaled, kind: .squaredDistance, into: &buffer, threads: threads)
            let heuristic = MedianHeuristic(rowSelection: rowSelection, threads: threads)
            let choice = heuristic.choice(fromSquaredDistances: buffer, n: scaled.centred.rows)
            let gamma = 1 / (2 * choice.sigma * choice.sigma)
            let kernel = transformSymmetricKernel(&buffer, n: scaled.centred.rows, norms: [],
                                                  kind: .gaussianOfStoredSquaredDistance(gamma: gamma), threads: threads)
            return (.gaussian(choice.inDataUnits(scaled)), kernel)
        }
    }
}
