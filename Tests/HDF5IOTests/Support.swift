import Foundation
import HDF5IO
import TestSupport

/// Writes one float32 dataset whose element at flat index i is `value(i)`
/// to a fresh file and returns the file's path.
func writeTestFile(
    _ name: String = "data.h5", dataset: String = "/x", shape: [Int], storage: DatasetStorage = .contiguous,
    value: (Int) -> Float = { Float($0) }
) throws -> String {
    let path = try TestPaths.temporaryDirectory().appendingPathComponent(name).path
    let writer = try HDF5Writer(creating: path)
    try writer.write(dataset, shape: shape, values: (0..<shape.reduce(1, *)).map(value), storage: storage)
    try writer.finish()
    return path
}
