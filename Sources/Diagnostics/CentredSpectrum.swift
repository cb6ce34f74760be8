import Linalg

/// Singular values of the column-centred n × p matrix `X − 1·x̄ᵀ`, from rows
/// that arrive in blocks of any size, in memory O(p² + p·mergeRows) whatever n.
///
/// Instead of the p × p co-moment matrix (whose eigenvalues are the squared
/// singular values, so that every value below √ε·s_max drowns in rounding),
/// it keeps a square-root factor R with RᵀR = Σ (xᵢ − x̄)(xᵢ − x̄)ᵀ and merges
/// a block B of nB rows, mean m_B, into the rows seen so far (nA, m_A) by one
/// thin SVD (Chan, Golub & LeVeque's pairwise update, in factored form):
/// ```
/// [ R_A ; B − 1·m_Bᵀ ; √(nA·nB/n)·(m_B − m_A)ᵀ ] = U·diag(s)·Vᵀ   →   R ← diag(s)·Vᵀ
/// x̄ ← m_A + (nB/n)·(m_B − m_A)
/// ```
/// s is then the spectrum of every row seen, to the accuracy of an SVD of
/// the whole matrix. Rows are shifted by the first row before anything else
/// (a constant column becomes exact zeros) and scaled by powers of two (exact)
/// so that values near the ends of the float range neither overflow nor lose
/// their bits; the values come back in the data's units.
struct CentredSpectrum: Sendable {
    let columns: Int
    /// Rows buffered before a merge: an SVD per block of at least p rows keeps
    /// the cost near that of one SVD of the whole matrix.
    let mergeRows: Int
    private(set) var rows = 0

    /// The first row, in the data's units; every row is taken relative to it.
    private var shift: [Double] = []
    /// Mean, factor and singular values are in units of 2^exponent.
    private var exponent = 0
    private var mean: [Double] = []
    private var factor = Matrix<Double>(rows: 0, columns: 0)
    private var values: [Double] = []
    private var pending: [Double] = []

    init(columns: Int) {
        self.columns = columns
        mergeRows = max(columns, 256)
    }

    /// Adds the rows of `block` (block.columns == columns, finite values).
    mutating func add(_ block: Matrix<Double>) throws {
        precondition(block.columns == columns, "CentredSpectrum: \(block.columns) columns, expected \(columns)")
        if shift.isEmpty, block.rows > 0 { shift = Array(block.row(0)) }
        pending += block.storage
        rows += block.rows
        if pending.count >= mergeRows * columns { try merge() }
    }

    /// The min(n, p) singular values of every row added so far, descending,
    /// in the data's units.
    func singularValues() throws -> [Double] {
        var copy = self
        try copy.merge()
        // The centred matrix has rank < n: an extra (zero) value that the
        // stacked merge row adds is dropped, missing ones are zeros.
        let count = min(rows, columns)
        let up = PowerOfTwo(copy.exponent)
        return (copy.values.prefix(count) + repeatElement(0, count: max(0, count - copy.values.count))).map(up.apply)
    }

    // MARK: - Merging

    private mutating func merge() throws {
        guard !pending.isEmpty else { return }
        let blockRows = pending.count / columns
        let seen = rows - blockRows
        // One power of two for the block and the shift, with every |value| below 1 after scaling.
        var largest = 0.0
        for v in pending { largest = max(largest, abs(v)) }
        for v in shift { largest = max(largest, abs(v)) }
        let blockExponent = largest > 0 ? largest.exponent + 1 : exponent
        if seen == 0 {
            exponent = blockExponent
        } else if blockExponent > exponent {
            rescaleState(to: blockExponent)
        }
        let down = PowerOfTwo(-exponent)
        var block = Matrix<Double>(rows: blockRows, columns: columns)
        var blockMean = [Double](repeating: 0, count: columns)
        for i in 0..<blockRows {
            for j in 0..<columns {
                let v = down.apply(pending[i * columns + j]) - down.apply(shift[j])
                block.storage[i * columns + j] = v
                blockMean[j] += v
            }
        }
        pending = []
        for j in 0..<columns { blockMean[j] /= Double(blockRows) }
        for i in 0..<blockRows {
            for j in 0..<columns { block.storage[i * columns + j] -= blockMean[j] }
        }
        var stacked = factor.storage + block.storage
        var stackedRows = factor.rows + blockRows
        if seen == 0 {
            mean = blockMean
        } else {
            let total = Double(seen + blockRows)
            let weight = (Double(seen) * Double(blockRows) / total).squareRoot()
            for j in 0..<columns {
                let delta = blockMean[j] - mean[j]
                stacked.append(weight * delta)
                mean[j] += delta * Double(blockRows) / total
            }
            stackedRows += 1
        }
        let svd = try thinSVD(Matrix(rows: stackedRows, columns: columns, storage: stacked))
        values = svd.s
        factor = svd.vt
        for i in 0..<factor.rows {
            for j in 0..<columns { factor.storage[i * columns + j] *= values[i] }
        }
    }

    /// Expresses mean, factor and values in units of 2^newExponent (> exponent).
    private mutating func rescaleState(to newExponent: Int) {
        let scale = PowerOfTwo(exponent - newExponent)
        for k in mean.indices { mean[k] = scale.apply(mean[k]) }
        for k in factor.storage.indices { factor.storage[k] = scale.apply(factor.storage[k]) }
        for k in values.indices { values[k] = scale.apply(values[k]) }
        exponent = newExponent
    }
}
