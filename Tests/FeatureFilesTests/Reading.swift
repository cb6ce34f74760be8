import FeatureFiles
import HDF5IO
import TestSupport

/// Small helpers: open a location inside a generated corpus and read it.
func open(_ argument: String, in corpus: InputCorpus.Generated, layout: FeatureLayout = .nchw) throws
    -> any FeatureSource
{
    let location = try FeatureLocation(parsing: argument.hasPrefix("/") ? argument : corpus.path(argument))
    return try FeatureSources.open(location, layout: layout)
}

func readAll<T: FeatureScalar>(_ source: any FeatureSource, as: T.Type) throws -> [T] {
    try readRows(source, 0..<source.sampleCount, as: T.self)
}

func readRows<T: FeatureScalar>(_ source: any FeatureSource, _ rows: Range<Int>, as: T.Type) throws -> [T] {
    var values = [T](repeating: 0, count: rows.count * source.featuresPerSample)
    try values.withUnsafeMutableBufferPointer { try source.read(rows: rows, into: $0) }
    return values
}

func readIndices<T: FeatureScalar>(_ source: any FeatureSource, _ indices: [Int], as: T.Type) throws -> [T] {
    var values = [T](repeating: 0, count: indices.count * source.featuresPerSample)
    try values.withUnsafeMutableBufferPointer { try source.read(indices: indices, into: $0) }
    return values
}
