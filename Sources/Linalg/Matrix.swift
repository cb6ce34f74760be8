/// A dense matrix stored row-major: rows are samples, columns are features,
/// exactly as HDF5 hands C-order arrays over. Column-major LAPACK never sees
/// this storage unannounced: the wrappers in `BLASLAPACK.swift` state the
/// transposition they rely on.
///
/// The small members are `@inlinable` so that generic code in other modules
/// (RegBN, Diagnostics) specialises them for `Float`/`Double` instead of going
/// through protocol witnesses element by element.
public struct Matrix<Scalar: LinalgScalar>: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// `rows * columns` elements, element (i, j) at `i * columns + j`.
    public var storage: [Scalar]

    @inlinable
    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(rows >= 0 && columns >= 0, "negative matrix dimension")
        precondition(storage.count == rows * columns,
                     "storage holds \(storage.count) elements, \(rows)×\(columns) needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        self.init(rows: rows, columns: columns, storage: repeatedStorage(value, count: rows * columns))
    }

    @inlinable
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    @inlinable
    public func row(_ i: Int) -> ArraySlice<Scalar> {
        storage[(i * columns)..<((i + 1) * columns)]
    }

    public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// Rows `indices` in the given order (a subsample or a permutation).
    @inlinable
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
    @inlinable
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, columns: columns,
               storage: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// Columns `range` as a new matrix (a block of features, e.g. one shard of a RegBN W).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "columns \(range) of a \(rows)×\(columns) matrix")
        var block: [Scalar] = []
        block.reserveCapacity(rows * range.count)
        for i in 0..<rows {
            block.append(contentsOf: storage[(i * columns + range.lowerBound)..<(i * columns + range.upperBound)])
        }
        return Matrix(rows: rows, columns: range.count, storage: block)
    }

    /// Overwrites columns `range` with `block` (`rows × range.count`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func replaceColumns(_ range: Range<Int>, with block: Matrix) {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns && block.rows == rows
                     && block.columns == range.count,
                     "a \(block.rows)×\(block.columns) block cannot replace columns \(range) of a \(rows)×\(columns) matrix")
        for i in 0..<rows {
            storage[(i * columns + range.lowerBound)..<(i * columns + range.upperBound)] = block.row(i)
        }
    }

    /// Makes this a `rows × columns` buffer: unchanged when it has that shape already (a
    /// buffer reused from call to call allocates nothing; its contents are whatever it
    /// held), a new zero matrix otherwise.
    @inlinable
    public mutating func ensureShape(rows: Int, columns: Int) {
        if self.rows != rows || self.columns != columns { self = Matrix(rows: rows, columns: columns) }
    }

    /// Element-wise conversion between precisions (Float ↔ Double).
    @inlinable
    public func converted<T: LinalgScalar>(to: T.Type = T.self) -> Matrix<T> {
        Matrix<T>(rows: rows, columns: columns, storage: storage.map { T($0) })
    }
}

/// `count` copies of `value`. Filling an array element by element through a generic
/// value witness is slow (a W of millions of entries took milliseconds), so generic
/// code that inlines `Matrix.init` reaches these specialisations at run time instead.
@usableFromInline
@_specialize(where T == Float)
@_specialize(where T == Double)
func repeatedStorage<T: LinalgScalar>(_ value: T, count: Int) -> [T] {
    Array(repeating: value, count: count)
}
