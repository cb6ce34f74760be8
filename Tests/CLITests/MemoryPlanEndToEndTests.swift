import Foundation
import HDF5IO
import Testing
import TestSupport

/// Runs too big for the machine are refused up front (exit 3) with the sizes,
/// the input shapes behind them and the remedies, before anything is staged
/// or read. `REGBN_MEMORY_LIMIT` makes the machine's memory the same
/// everywhere, so the refusals do not depend on where the tests run.
@Suite struct MemoryPlanEndToEndTests {
    static let limit = ["REGBN_MEMORY_LIMIT": "16G"]

    /// f and g of [2, 64, 28, 28]: RegBN's W is 50176 × 50176.
    private func imageLayers(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("layers.h5").path
        let writer = try HDF5Writer(creating: path)
        let count = 2 * 64 * 28 * 28
        let values: [Float] = (0..<count).map { Float($0 % 97) / 97 }
        try writer.write("/f", shape: [2, 64, 28, 28], values: values)
        try writer.write("/g", shape: [2, 64, 28, 28], values: Array(values.reversed()))
        try writer.finish()
        return path
    }

    /// A chunked dataset declared with `shape` of which only the first four
    /// rows hold data (HDF5 allocates chunks lazily, so the file stays small).
    private func declared(_ shape: [Int], name: String, writer: HDF5Writer) throws {
        try writer.createDataset(name, shape: shape, of: Float.self,
                                 storage: .chunked(chunks: [4] + shape.dropFirst()))
        let sample = shape.dropFirst().reduce(1, *)
        try writer.writeSamples(name, startingAt: 0, values: (0..<(4 * sample)).map { Float($0 % 13) })
    }

    private func leftovers(_ directory: URL, besides inputs: [String]) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !inputs.contains($0) }
    }

    @Test func regbnLayersOf64By28By28AreRefusedWithBothPrecisions() throws {
        let directory = try TestPaths.temporaryDirectory("plan-regbn")
        defer { try? FileManager.default.removeItem(at: directory) }
        let layers = try imageLayers(in: directory)
        let base = ["normalize", "--f", "\(layers):/f", "--g", "\(layers):/g", "--batch-size", "2", "--epochs", "1",
                    "--out", directory.appendingPathComponent("out.h5").path]
        let wide = try ToolRunner.run(base, environment: Self.limit)
        #expect(wide.status == 3, "\(wide.stderr)")
        // W dominates; W_hat is formed a tile at a time and never held whole (RegBN README, "The running W").
        for needle in ["normalize would need 20.4 GB of memory, more than the 16.0 GB available (REGBN_MEMORY_LIMIT)",
                       "20.1 GB  running W (this rank's columns): 50176 × 50176 float64",
                       "--g \(layers):/g [2, 64, 28, 28] × --f \(layers):/f [2, 64, 28, 28]",
                       "--precision float32 halves W and the batch buffers (10.2 GB instead of 20.4 GB)",
                       "run on 2 or more MPI ranks, each on a machine like this one (each rank then needs 10.5 GB)"] {
            #expect(wide.stderr.contains(needle), "missing '\(needle)':\n\(wide.stderr)")
        }
        // float32 fits 16 GB (10.2 GB); under 8 GB it needs two ranks.
        let narrow = try ToolRunner.run(base + ["--precision", "float32"], environment: ["REGBN_MEMORY_LIMIT": "8G"])
        #expect(narrow.status == 3, "\(narrow.stderr)")
        #expect(narrow.stderr.contains("10.1 GB  running W (this rank's columns): 50176 × 50176 float32"),
                "\(narrow.stderr)")
        #expect(!narrow.stderr.contains("--precision float32 halves") && narrow.stderr.contains("run on 2 or more MPI ranks"))
        let audit = try ToolRunner.run(["audit", "--f", "\(layers):/f", "--g", "\(layers):/g", "--batch-size", "2",
                                        "--epochs", "1", "--out", directory.appendingPathComponent("r").path],
                                       environment: Self.limit)
        #expect(audit.status == 3 && audit.stderr.contains("audit would need"), "\(audit.stderr)")
        #expect(try leftovers(directory, besides: ["layers.h5"]).isEmpty)
    }

    /// `--dry-run` prints the plan and, for RegBN, the memory per rank and the
    /// rank count that fits; it reads no data and writes nothing, fit or not.
    @Test func dryRunPrintsThePlanAndTheRankCount() throws {
        let directory = try TestPaths.temporaryDirectory("plan-dry-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let layers = try imageLayers(in: directory)
        let regbn = ["--f", "\(layers):/f", "--g", "\(layers):/g", "--batch-size", "2", "--epochs", "1", "--dry-run"]
        let normalize = try ToolRunner.run(["normalize"] + regbn + ["--out", directory.appendingPathComponent("o.h5").path],
                                           environment: Self.limit)
        #expect(normalize.status == 0, "\(normalize.stderr)")
        for needle in ["normalize would hold at its peak:", "20.1 GB  running W (this rank's columns)",
                       "It does not fit: the run would be refused.", "run on 2 or more MPI ranks",
                       "RegBN's share: 20.4 GB in one process, 10.5 GB per rank with 2", "fits 16.0 GB: 2."] {
            #expect(normalize.stdout.contains(needle), "missing '\(needle)':\n\(normalize.stdout)")
        }
        let audit = try ToolRunner.run(["audit"] + regbn + ["--precision", "float32",
                                                            "--out", directory.appendingPathComponent("r").path],
                                       environment: Self.limit)
        #expect(audit.status == 0 && audit.stdout.contains("It fits: the run would go ahead."), "\(audit.stdout)")
        #expect(audit.stdout.contains("for the statistics: 1."), "\(audit.stdout)")
        #expect(try leftovers(directory, besides: ["layers.h5"]).isEmpty)
    }

    /// The case: `dependence --max-samples 50` on a dataset declared
    /// with a billion rows used to reserve N × C channel means and abort. Now
    /// everything it holds is sized by the subsample, and only the subsample's
    /// rows are read: the run costs 50 rows, not the declared file.
    @Test func hugeDeclaredRowsWithMaxSamplesCostOnlyTheSubsample() throws {
        let directory = try TestPaths.temporaryDirectory("plan-rows")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("huge.h5").path
        let writer = try HDF5Writer(creating: path)
        try declared([1_000_000_000, 64], name: "/x", writer: writer)
        try declared([1_000_000_000, 32], name: "/y", writer: writer)
        try writer.finish()
        let report = directory.appendingPathComponent("r")
        let run = try ToolRunner.run(["dependence", "--x", "\(path):/x", "--y", "\(path):/y", "--max-samples", "50",
                                      "--permutations", "0", "--bootstrap", "0", "--out", report.path, "--quiet"],
                                     environment: Self.limit)
        #expect(run.exited && run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Only the 50 subsampled rows of --x and --y were read"), "\(run.stdout)")
        let summary = try String(contentsOf: report.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary.contains("subsample=50/1000000000"), "\(summary)")
        // A plan that does not fit still names the subsample-sized items.
        let tight = try ToolRunner.run(["dependence", "--x", "\(path):/x", "--y", "\(path):/y", "--max-samples", "50",
                                        "--out", directory.appendingPathComponent("r2").path],
                                       environment: ["REGBN_MEMORY_LIMIT": "1K"])
        #expect(tight.exited && tight.status == 3, "\(tight.stderr)")
        #expect(tight.stderr.contains("40.0 KB  n × n kernel buffers: 2 × 50 × 50 float64"), "\(tight.stderr)")
        #expect(tight.stderr.contains("--x \(path):/x [1000000000, 64]"), "\(tight.stderr)")
        #expect(try leftovers(directory, besides: ["huge.h5", "r"]).isEmpty)
    }

    /// Samples too wide for a batch: `spectrum` and `channels` refuse them.
    @Test func samplesTooWideForABatchAreRefused() throws {
        let directory = try TestPaths.temporaryDirectory("plan-wide")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("wide.h5").path
        // One chunk written: HDF5Writer writes whole samples only, 4 GB here.
        let made = try PythonScript.run("""
            import h5py
            with h5py.File('wide.h5', 'w') as f:
                f.create_dataset('x', shape=(100, 10**9), dtype='f4', chunks=(1, 2**16))[0, :10] = 1
            """, in: directory)
        #expect(made.status == 0, "\(made.stderr)")
        for arguments in [["spectrum", "--x", "\(path):/x", "--batch-size", "50", "--out",
                           directory.appendingPathComponent("r").path],
                          ["channels", "--x", "\(path):/x", "--batch-size", "50"]] {
            let run = try ToolRunner.run(arguments, environment: Self.limit)
            #expect(run.exited && run.status == 3, "\(arguments[0]): \(run.stderr)")
            #expect(run.stderr.contains("\(arguments[0]) would need"), "\(run.stderr)")
            #expect(run.stderr.contains("batch buffers") && run.stderr.contains("a smaller --batch-size"),
                    "\(run.stderr)")
            #expect(run.stderr.contains("--x \(path):/x [100, 1000000000]"), "\(run.stderr)")
        }
        #expect(try leftovers(directory, besides: ["wide.h5"]).isEmpty)
    }

    @Test func aMalformedLimitIsAUsageError() throws {
        let fixture = TestPaths.fixture("conv_maps.h5").path
        let run = try ToolRunner.run(["spectrum", "--x", "\(fixture):/g", "--batch-size", "50", "--out", "never"],
                                     environment: ["REGBN_MEMORY_LIMIT": "plenty"])
        #expect(run.status == 2 && run.stderr.contains("REGBN_MEMORY_LIMIT='plenty'"), "\(run.stderr)")
    }

    /// The plan of an ordinary run fits, and the run is unchanged by it.
    @Test func ordinaryRunsFit() throws {
        let fixture = TestPaths.fixture("conv_maps.h5").path
        let run = try ToolRunner.run(["channels", "--x", "\(fixture):/g", "--batch-size", "50"],
                                     environment: ["REGBN_MEMORY_LIMIT": "100M"])
        #expect(run.status == 0, "\(run.stderr)")
    }
}
