import Linalg

/// Inference outputs gathered in sample order for writing. HDF5Writer writes
/// a dataset in one call, so the outputs (not the inputs) are held whole.
struct NormalizeOutputBuffer<T: LinalgScalar> {
    let shape: [Int]
    private(set) var values: [T] = []

    init(shape: [Int]) {
        self.shape = shape
        values.reserveCapacity(shape.reduce(1, *))
    }

    mutating func append(_ batch: Matrix<T>, rows: Range<Int>) {
        precondition(values.count == rows.lowerBound * batch.columns, "inference batches out of order")
        values += batch.storage
    }
}
