import Foundation

/// The official PyTorch RegBN module (mogvision/RegBN, `RegBN.py`), run by python3 on
/// the same HDF5 input as `regbn-analyze normalize`. The official code is GPL and never
/// part of this repository: `REGBN_OFFICIAL` names a copy, which the runner reads at run
/// time and patches in memory with the three CPU-device replacements of the fixtures'
/// README ("Provenance"), each required to match the expected number of times.
enum OfficialRegBN {
    /// sha256 of mogvision/RegBN@38db2fa7 `RegBN.py`, the version the fixtures were made with.
    static let fixtureSHA256 = "939c122d431d4b56fa658191e3e1f7f989f5f625fda18f03f09296323790f03f"

    /// What one run of the official module measured (seconds).
    struct Timing: Decodable {
        let stepSeconds: [Double]
        let trainSeconds: Double
        let inferenceSeconds: Double
        let sha256: String
        let torchVersion: String
        let torchThreads: Int

        /// Training then inference, inside python.
        var epochSeconds: Double { trainSeconds + inferenceSeconds }

        enum CodingKeys: String, CodingKey {
            case stepSeconds = "step_seconds", trainSeconds = "train_seconds", inferenceSeconds = "inference_seconds"
            case sha256, torchVersion = "torch_version", torchThreads = "torch_threads"
        }
    }

    /// The official code's path, or why the comparison is skipped.
    static func locate() -> Result<String, BenchmarkError> {
        guard let path = ProcessInfo.processInfo.environment["REGBN_OFFICIAL"], !path.isEmpty else {
            return .failure(BenchmarkError("official module not timed: set REGBN_OFFICIAL=/path/to/RegBN.py "
                                           + "(mogvision/RegBN, kept outside this repository)"))
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            return .failure(BenchmarkError("official module not timed: REGBN_OFFICIAL=\(path) is not a readable file"))
        }
        do {
            try ChildProcess.run("/usr/bin/env", ["python3", "-c", "import torch, h5py"])
        } catch {
            return .failure(BenchmarkError("official module not timed: python3 with torch and h5py is needed (\(error))"))
        }
        return .success(path)
    }

    /// One official run: `epochs` of training over `input.h5:/f, /g` in batches of `batch`
    /// (file order, n_epoch = 0, 1, …), then inference over every sample; torch on `threads`.
    /// Returns its timings and the wall time of the whole python process.
    static func run(official: String, input: String, batch: Int, epochs: Int, threads: Int) throws
        -> (timing: Timing, processSeconds: Double) {
        var output = ""
        let wall = try seconds {
            output = try ChildProcess.run("/usr/bin/env", ["python3", "-c", runner, official, input, "\(batch)",
                                                            "\(epochs)", "\(threads)"])
        }
        guard let json = output.split(separator: "\n").last,
              let timing = try? JSONDecoder().decode(Timing.self, from: Data(json.utf8)) else {
            throw BenchmarkError("the official runner printed no timing: \(output)")
        }
        return (timing, wall)
    }

    private static let runner = #"""
        import hashlib, json, sys, time, types
        import h5py, torch
        path, data, batch, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        raw = open(path, "rb").read()
        source = raw.decode("utf-8")
        for old, new, count in [('self.device = f"cuda:{gpu}"', 'self.device = "cpu"', 1),
                                ("lambda_.to(u.get_device())", "lambda_.to(u.device)", 2),
                                ("torch.tensor(1.).to(x.get_device())", "torch.tensor(1.).to(x.device)", 1)]:
            found = source.count(old)
            if found != count:
                sys.exit(f"{path}: {old!r} found {found} times, expected {count}: not the official RegBN.py?")
            source = source.replace(old, new)
        official = types.ModuleType("official_regbn")
        exec(compile(source, path, "exec"), official.__dict__)
        torch.set_num_threads(threads)
        with h5py.File(data, "r") as h5:
            f, g = torch.from_numpy(h5["f"][...]), torch.from_numpy(h5["g"][...])
        n = f.shape[0]
        steps = n // batch
        module = official.RegBN(f_num_channels=f.shape[1], g_num_channels=g.shape[1], f_layer_dim=list(f.shape[2:]),
                                g_layer_dim=list(g.shape[2:]), normalize_input=True, normalize_output=True)
        step_seconds = []
        start = time.perf_counter()
        for epoch in range(epochs):
            for step in range(steps):
                rows = slice(step * batch, (step + 1) * batch)
                t0 = time.perf_counter()
                module(f[rows], g[rows], is_training=True, n_epoch=epoch, steps_per_epoch=steps)
                step_seconds.append(time.perf_counter() - t0)
        train = time.perf_counter() - start
        start = time.perf_counter()
        for row in range(0, n, batch):
            module(f[row:row + batch], g[row:row + batch], is_training=False)
        inference = time.perf_counter() - start
        print(json.dumps({"step_seconds": step_seconds, "train_seconds": train, "inference_seconds": inference,
                          "sha256": hashlib.sha256(raw).hexdigest(), "torch_version": torch.__version__,
                          "torch_threads": torch.get_num_threads()}))
        """#
}
