import Foundation

/// Wall-clock timings of named steps, for run.json.
struct Stopwatch {
    private(set) var timings: [String: Double] = [:]
    private let start = Date()

    mutating func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let begin = Date()
        defer { timings[name, default: 0] += Date().timeIntervalSince(begin) }
        return try body()
    }

    mutating func finish() { timings["total"] = Date().timeIntervalSince(start) }
}
