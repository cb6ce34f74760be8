import Foundation
import Linalg

// `regbn-bench [SUITE...]` runs benchmark suites and prints one table each.
// Suites register themselves in `BenchmarkSuites.all` (one line per suite file).

let requested = Array(CommandLine.arguments.dropFirst())
// One configuration of the scale-out suite, in a process of its own (see ScaleoutRank).
if requested.first == "scaleout-child" {
    do { try ScaleoutRank.main(Array(requested.dropFirst())) } catch {
        FileHandle.standardError.write(Data("regbn-bench scaleout-child: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if requested.contains("--help") || requested.contains("-h") {
    print("USAGE: regbn-bench [SUITE ...]\nSUITES: " + BenchmarkSuites.all.map(\.name).joined(separator: ", "))
    exit(0)
}
let unknown = requested.filter { name in !BenchmarkSuites.all.contains { $0.name == name } }
guard unknown.isEmpty else {
    FileHandle.standardError.write(Data("regbn-bench: unknown suite(s) \(unknown.joined(separator: ", "))\n".utf8))
    exit(2)
}
print("OpenBLAS core: \(BLAS.coreName), threads: \(BLAS.threadCount), "
      + "OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset")")
for suite in BenchmarkSuites.all where requested.isEmpty || requested.contains(suite.name) {
    print("\n## \(suite.name)")
    do { try suite.run() } catch {
        FileHandle.standardError.write(Data("regbn-bench: \(suite.name) failed: \(error)\n".utf8))
        exit(1)
    }
}
