import FeatureFiles
import Foundation
import HDF5IO

/// The NumPy-family half of the `hdf5` suite: the contiguous dataset saved
/// by NumPy as .npy and stored .npz, and as .safetensors, read through
/// FeatureFiles (memory-mapped, converted batch by batch) next to NumPy
/// reading the same files (np.load whole; np.load(mmap_mode='r') copied
/// batch by batch into one buffer).
extension HDF5Benchmark {
    static let shuffledBatch = 512
    /// Fewer for gzip: each 512-row batch of a shuffled order touches most
    /// 64-sample chunks, so it inflates most of the dataset.
    static func shuffledBatches(_ source: any FeatureSource) -> Int {
        source.location.format == .hdf5 && source.location.file.contains("gzip") ? 4 : 64
    }

    /// Streams every sample in batches of `batchSize` rows into one reused buffer.
    static func stream<T: FeatureScalar>(_ source: any FeatureSource, batchSize: Int, as: T.Type = Float.self) throws {
        let width = source.featuresPerSample
        // Uninitialised, as the tool's batch matrices are: zero-filling fresh
        // memory costs about as much as a contiguous read here.
        var batch = [T](unsafeUninitializedCapacity: batchSize * width) { _, initialized in
            initialized = batchSize * width
        }
        var total = 0
        for start in stride(from: 0, to: source.sampleCount, by: batchSize) {
            let rows = start..<min(source.sampleCount, start + batchSize)
            try batch.withUnsafeMutableBufferPointer {
                try source.read(rows: rows, into: UnsafeMutableBufferPointer(rebasing: $0[0..<(rows.count * width)]))
            }
            total += rows.count * width
        }
        precondition(total == source.sampleCount * width)
    }

    /// `shuffledBatches(source)` batches of `shuffledBatch` rows drawn without a
    /// pattern (a fixed LCG), as a shuffled training epoch reads them.
    static func shuffledBatches(_ source: any FeatureSource) throws {
        var state: UInt64 = 12345
        var batch = [Float](repeating: 0, count: shuffledBatch * source.featuresPerSample)
        for _ in 0..<shuffledBatches(source) {
            let indices = (0..<shuffledBatch).map { _ -> Int in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int(state >> 33) % source.sampleCount
            }
            try batch.withUnsafeMutableBufferPointer { try source.read(indices: indices, into: $0) }
        }
    }

    static func shuffledBytes(_ source: any FeatureSource) -> Int {
        shuffledBatch * shuffledBatches(source) * source.featuresPerSample * MemoryLayout<Float>.size
    }

    static func numpyFormats(directory: URL, contiguous: String, samples: Int, batchSize: Int) throws -> [[String]] {
        let bytes = Double(samples * featuresPerSample * MemoryLayout<Float>.size)
        let script = """
            import json, struct, sys, time
            import h5py, numpy as np
            def median(body, repeats=5):
                body()
                times = []
                for _ in range(repeats):
                    start = time.perf_counter(); body(); times.append(time.perf_counter() - start)
                return sorted(times)[len(times) // 2]
            source, out, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
            x = h5py.File(source, "r")["x"][...]
            np.save(out + "/x.npy", x)
            np.savez(out + "/x.npz", x=x)
            header = json.dumps({"x": {"dtype": "F32", "shape": list(x.shape), "data_offsets": [0, x.nbytes]}}).encode()
            header += b" " * (-len(header) % 8)
            with open(out + "/x.safetensors", "wb") as f:
                f.write(struct.pack("<Q", len(header)) + header); f.write(x.tobytes())
            del x
            def stream(m):
                buffer = np.empty((batch,) + m.shape[1:], dtype=np.float32)
                for start in range(0, m.shape[0], batch):
                    stop = min(start + batch, m.shape[0]); buffer[:stop - start] = m[start:stop]
            result = {
                "npy": [median(lambda: np.load(out + "/x.npy")),
                        median(lambda: stream(np.load(out + "/x.npy", mmap_mode="r")))],
                "npz": [median(lambda: np.load(out + "/x.npz")["x"]), None],
            }
            print(json.dumps(result))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, contiguous, directory.path, String(batchSize)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        do { try process.run() } catch {
            print("npy/npz/safetensors: not measured (python3 not found)")
            return []
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let parsed = try? JSONSerialization.jsonObject(with: data) as? [String: [Any]]
        else {
            print("npy/npz/safetensors: not measured (python3 with h5py and numpy is needed to write the files)")
            return []
        }
        let numpy = parsed.mapValues { times in times.map { $0 as? Double } }
        sync()
        var rows: [[String]] = []
        for (label, argument) in [("npy", "x.npy"), ("npz stored", "x.npz:x"), ("safetensors", "x.safetensors:x")] {
            let source = try FeatureSources.open(try FeatureLocation(parsing: directory.appendingPathComponent(argument).path))
            let whole = try medianSeconds(repeats: 5) {
                let count = samples * featuresPerSample
                let values = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    try source.read(rows: 0..<samples, into: buffer)
                    initialized = count
                }
                precondition(values.count == count)
            }
            let streamed = try medianSeconds(repeats: 5) { try stream(source, batchSize: batchSize) }
            let shuffled = try medianSeconds(repeats: 5) { try shuffledBatches(source) }
            rows.append(row(label, "FeatureFiles", "whole", bytes, whole))
            rows.append(row(label, "FeatureFiles", "batches", bytes, streamed))
            rows.append(row(label, "FeatureFiles", "shuffled", Double(shuffledBytes(source)), shuffled))
        }
        for (label, key) in [("npy", "npy"), ("npz stored", "npz")] {
            guard let times = numpy[key] else { continue }
            if let whole = times.first ?? nil { rows.append(row(label, "numpy", "whole", bytes, whole)) }
            if times.count > 1, let streamed = times[1] {
                rows.append(row(label, "numpy", "batches (mmap)", bytes, streamed))
            }
        }
        return rows
    }
}
