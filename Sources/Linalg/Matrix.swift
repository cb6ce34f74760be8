/// A dense matrix stored row-major: rows are samples, columns are features,
/// exactly as HDF5 hands C-order arrays over. Column-major LAPACK never sees
/// this storage unannounced: the wrappers in `BLASLAPACK.swift` state the
/// transposition they rely on.
public struct Matrix<Scalar: LinalgScalar>: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// `rows * columns` elements, element (i, j) at `i * columns + j`.
    public var storage: [Scalar]

    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(rows >= 0 && columns >= 0, "negative matrix dimension")
        precondition(storage.count == rows * columns,
                     "storage holds \(storage.count) elements, \(rows)×\(columns) needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        self.init(rows: rows, columns: columns, storage: Array(repeating: value, count: rows * columns))
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    public func row(_ i: Int) -> ArraySlice<Scalar> {
        storage[(i * columns)..<((i + 1) * columns)]
    }

    public var shape: (rows: Int, columns: Int) { (rows, columns) }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { t.storage[j * rows + i] = storage[i * columns + j] }
        }
        return t
    }

    /// Rows `indices` in the given order (a subsample or a permutation).
    public func selectingRows<S: Sequence>(_ indices: S) -> Matrix where S.Element == Int {
        var out: [Scalar] = []
        var count = 0
        for i in indices {
            out.append(contentsOf: row(i))
            count += 1
        }
        return Matrix(rows: count, columns: columns, storage: out)
    }

    /// Rows `range` as a new matrix (consecutive samples, e.g. a mini-batch).
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, columns: columns,
               storage: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// Element-wise conversion between precisions (Float ↔ Double).
    public func converted<T: LinalgScalar>(to: T.Type = T.self) -> Matrix<T> {
        Matrix<T>(rows: rows, columns: columns, storage: storage.map { T($0) })
    }

    public var frobeniusNorm: Scalar {
        var sum: Scalar = 0
        for v in storage { sum += v * v }
        return sum.squareRoot()
    }
}
