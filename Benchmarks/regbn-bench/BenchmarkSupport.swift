import Foundation

struct BenchmarkSuite: Sendable {
    let name: String
    let run: @Sendable () throws -> Void
}

enum BenchmarkSuites {
    /// One entry per suite; each suite lives in its own file.
    static let all: [BenchmarkSuite] = [
        HDF5Benchmark.suite,
        .diagnostics,
        .bootstrap,
        RegBNBenchmark.suite,
        NormalizeProcessBenchmark.suite,
        ScaleoutBenchmark.suite,
    ]
}

/// Wall-clock seconds of `body`, median over `repeats` runs (after one warm-up when asked).
func medianSeconds(repeats: Int, warmUp: Bool = true, _ body: () throws -> Void) rethrows -> Double {
    if warmUp { try body() }
    var times: [Double] = []
    for _ in 0..<max(1, repeats) { times.append(try seconds(body)) }
    return median(times)
}

/// Wall-clock seconds of one call.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU seconds of the whole process so far (all threads).
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The median of `values` (NaN when empty).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Prints a Markdown table with right-aligned columns.
func printTable(header: [String], rows: [[String]]) {
    let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
    func line(_ cells: [String]) -> String {
        "| " + cells.enumerated().map { String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
            .joined(separator: " | ") + " |"
    }
    print(line(header))
    print("|" + widths.map { String(repeating: "-", count: $0 + 1) + ":" }.joined(separator: "|") + "|")
    rows.forEach { print(line($0)) }
}

/// Peak resident memory of this process so far, in MiB (from /proc/self/status VmHWM).
func peakResidentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
    return kb / 1024
}
