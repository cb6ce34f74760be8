import Foundation
import FeatureFiles
import HDF5IO

/// Read throughput of HDF5IO on a 1 GiB float32 dataset (contiguous and
/// gzip-chunked), whole-dataset, streamed in ~64 MiB batches and in
/// shuffled 512-row batches (a training order), next to h5py reading the
/// same files when python3 with h5py is available; then the same data as
/// .npy, stored .npz and .safetensors through FeatureFiles next to NumPy.
/// `REGBN_BENCH_HDF5_MIB` shrinks the dataset for a quick trial.
enum HDF5Benchmark {
    static let suite = BenchmarkSuite(name: "hdf5") { try run() }

    static let featuresPerSample = 1024
    static let chunkSamples = 64
    static let batchBytes = 64 << 20

    static func run() throws {
        let mebibytes = Int(ProcessInfo.processInfo.environment["REGBN_BENCH_HDF5_MIB"] ?? "") ?? 1024
        let samples = (mebibytes << 20) / (featuresPerSample * MemoryLayout<Float>.size)
        let bytes = Double(samples * featuresPerSample * MemoryLayout<Float>.size)
        let batchSize = min(samples, batchBytes / (featuresPerSample * MemoryLayout<Float>.size))
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("regbn-bench-hdf5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        print(
            "HDF5 \(HDF5Build.version); dataset [\(samples), \(featuresPerSample)] float32 = \(mebibytes) MiB; "
                + "batches of \(batchSize) samples (\((batchSize * featuresPerSample * 4) >> 20) MiB); "
                + "gzip level 1, chunks of \(chunkSamples) samples; median of 5 (contiguous) or 3 (gzip) warm, page-cached runs"
        )
        let files = try writeFiles(in: directory, samples: samples)
        // Write-back of the freshly written 2 GiB would otherwise compete with
        // whichever reader runs first; h5py runs first, on the same warm cache.
        sync()
        let python = h5pySeconds(files: files, batchSize: batchSize)

        var rows: [[String]] = []
        for (label, path) in files {
            let file = try HDF5File.open(path)
            let repeats = label == "contiguous" ? 5 : 3
            let whole = try medianSeconds(repeats: repeats) {
                let array = try file.readFeatures("/x", as: Float.self)
                precondition(array.storage.count == samples * featuresPerSample)
            }
            let source = try FeatureSources.open(FeatureLocation(hdf5File: path, dataset: "/x"))
            let streamed = try medianSeconds(repeats: repeats) { try stream(source, batchSize: batchSize) }
            let unscanned = try FeatureSources.open(FeatureLocation(hdf5File: path, dataset: "/x"), rejectNonFinite: false)
            let readOnly = try medianSeconds(repeats: repeats) { try stream(unscanned, batchSize: batchSize) }
            let shuffled = try medianSeconds(repeats: repeats) { try shuffledBatches(source) }
            // The commands read float32 dumps as Double: decoded in parallel too, widened while scattering.
            let widened = try medianSeconds(repeats: repeats) { try stream(source, batchSize: batchSize, as: Double.self) }
            rows.append(row(label, "HDF5IO", "whole", bytes, whole))
            rows.append(row(label, "HDF5IO", "batches", bytes, streamed))
            rows.append(row(label, "HDF5IO", "batches, no NaN scan", bytes, readOnly))
            rows.append(row(label, "HDF5IO", "batches as Double", bytes, widened))
            rows.append(row(label, "HDF5IO", "shuffled", Double(shuffledBytes(source)), shuffled))
        }
        rows += try numpyFormats(directory: directory, contiguous: files[0].1, samples: samples, batchSize: batchSize)
        for (label, _) in files {
            guard let times = python.times[label] else { continue }
            rows.append(row(label, "h5py", "whole", bytes, times.whole))
            rows.append(row(label, "h5py", "batches", bytes, times.batches))
        }
        printTable(header: ["layout", "reader", "access", "seconds", "GB/s"], rows: rows)
        if let note = python.note { print(note) }
    }

    static func row(_ layout: String, _ reader: String, _ access: String, _ bytes: Double, _ seconds: Double)
        -> [String]
    {
        [layout, reader, access, String(format: "%.3f", seconds), String(format: "%.2f", bytes / seconds / 1e9)]
    }

    /// Quantised pseudo-random activations: compressible like real features, not trivially so.
    private static func writeFiles(in directory: URL, samples: Int) throws -> [(String, String)] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let values = (0..<(samples * featuresPerSample)).map { _ -> Float in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int(truncatingIfNeeded: state >> 40) % 4096 - 2048) / 256
        }
        var files: [(String, String)] = []
        for (label, storage) in [
            ("contiguous", DatasetStorage.contiguous),
            ("gzip-chunked", .chunked(chunks: [chunkSamples, featuresPerSample], gzipLevel: 1)),
        ] {
            let path = directory.appendingPathComponent("\(label).h5").path
            let writer = try HDF5Writer(creating: path)
            try writer.write("/x", shape: [samples, featuresPerSample], values: values, storage: storage)
            try writer.finish()
            files.append((label, path))
        }
        return files
    }

    /// Runs the same reads in h5py (whole `d[...]`, and `read_direct` into one
    /// batch buffer per pass), or explains why it could not.
    private static func h5pySeconds(files: [(String, String)], batchSize: Int)
        -> (times: [String: (whole: Double, batches: Double)], note: String?)
    {
        let script = """
            import json, sys, time
            import h5py, numpy as np
            def median(body, repeats):
                body()
                times = []
                for _ in range(repeats):
                    start = time.perf_counter(); body(); times.append(time.perf_counter() - start)
                return sorted(times)[len(times) // 2]
            batch = int(sys.argv[1])
            result = {"version": h5py.version.hdf5_version}
            for label, path in zip(sys.argv[2::2], sys.argv[3::2]):
                with h5py.File(path, "r") as f:
                    d = f["x"]
                    def stream():
                        # One batch buffer per pass, as the HDF5IO pass reuses one.
                        buffer = np.empty((batch,) + d.shape[1:], dtype=np.float32)
                        for start in range(0, d.shape[0], batch):
                            stop = min(start + batch, d.shape[0])
                            d.read_direct(buffer, np.s_[start:stop], np.s_[0:stop - start])
                    repeats = 5 if label == "contiguous" else 3
                    result[label] = [median(lambda: d[...], repeats), median(stream, repeats)]
            print(json.dumps(result))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(batchSize)] + files.flatMap { [$0.0, $0.1] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        do {
            try process.run()
        } catch {
            return ([:], "h5py: not measured (python3 not found: \(error))")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return ([:], "h5py: not measured (python3 with h5py and numpy is needed)") }
        var times: [String: (whole: Double, batches: Double)] = [:]
        for (label, _) in files {
            if let pair = json[label] as? [Double], pair.count == 2 { times[label] = (pair[0], pair[1]) }
        }
        return (times, "h5py \(json["version"] as? String ?? "?") (its bundled HDF5) read the same files")
    }
}
