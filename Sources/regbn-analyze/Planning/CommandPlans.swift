import Foundation
import HDF5IO
import RegBN

/// The memory plans of the commands: what each holds at its peak, from the
/// input shapes and the settings. Exact for the large items (RegBN's W, the
/// n × n kernels, the subsample, the channel means); the batch-sized working
/// buffers are counted with a generous multiple, since they are small next
/// to those.
///
/// The `…(options)` forms open the inputs themselves (metadata only), so a
/// command can check its plan in one line before it does anything else.
extension MemoryPlan {
    /// `normalize`: RegBN's training emulation and inference pass.
    static func normalize(f: FeatureInput, g: FeatureInput, settings: RegBNSettings,
                          available: AvailableMemory) -> MemoryPlan {
        MemoryPlan(command: "normalize", items: regbnItems(f: f, g: g, settings: settings, available: available),
                   available: available,
                   notes: [regbnRanksNote(f: f, g: g, settings: settings, available: available)])
    }

    /// `audit`: RegBN, then the dependence statistics of the raw and the
    /// normalised f against g. The raw stage keeps f's and g's subsample rows
    /// and channel means, the RegBN stage f's once more.
    static func audit(_ options: AuditOptions) throws -> MemoryPlan {
        let f = try FeatureInput(role: "f", argument: options.f, layout: options.regbn.layout)
        let g = try FeatureInput(role: "g", argument: options.g, layout: options.regbn.layout)
        let b = options.regbn.batchSize
        let dependence = dependenceItems(
            samples: f.sampleCount, features: sum(f.featureCount, f.featureCount, g.featureCount),
            channels: sum(f.channels, f.channels, g.channels), readFeatures: sum(f.featureCount, g.featureCount),
            readBatch: b, diagnostics: options.diagnostics,
            inputs: "f twice (raw and RegBN), g once: \(described(f)), \(described(g))")
        let gSpectra = Item("spectra of the raw g batches", extents: [f.sampleCount / b, min(b, g.featureCount)],
                            of: .float64)
        let available = try AvailableMemory.current()
        let statistics = dependence + [gSpectra], statisticsBytes = statisticsBytes(statistics)
        return MemoryPlan(command: "audit",
                          items: regbnItems(f: f, g: g, settings: options.regbn, available: available,
                                            besides: statisticsBytes) + statistics,
                          available: available,
                          notes: [regbnRanksNote(f: f, g: g, settings: options.regbn, available: available,
                                                 besides: statisticsBytes)])
    }

    /// `dependence`: the statistics of x against y, read `readBatch` rows at a time.
    static func dependence(_ options: DependenceOptions, readBatch: Int) throws -> MemoryPlan {
        let x = try FeatureInput(role: "x", argument: options.x, layout: options.layout)
        let y = try FeatureInput(role: "y", argument: options.y, layout: options.layout)
        let items = dependenceItems(
            samples: x.sampleCount, features: sum(x.featureCount, y.featureCount), channels: sum(x.channels, y.channels),
            readFeatures: sum(x.featureCount, y.featureCount), readBatch: readBatch, diagnostics: options.diagnostics,
            inputs: "\(described(x)), \(described(y))")
        return MemoryPlan(command: "dependence", items: items, available: try AvailableMemory.current())
    }

    /// `spectrum`: one batch at a time, every batch's singular values kept.
    static func spectrum(_ options: SpectrumOptions) throws -> MemoryPlan {
        let x = try FeatureInput(role: "x", argument: options.x, layout: options.layout)
        return MemoryPlan(command: "spectrum", items: spectrumItems(x, batchSize: options.batchSize),
                          available: try AvailableMemory.current())
    }

    /// `channels`: each layer read a batch at a time into its channel
    /// spectrum and batch spectra; every layer's batch spectra are kept.
    static func channels(_ inputs: [FeatureInput], batchSize: Int, available: AvailableMemory) -> MemoryPlan {
        let items = inputs.flatMap { x -> [Item] in
            let c = x.channels
            return [
                Item("batch buffers of \(x.argument)", extents: [batchSize, x.featureCount], of: .float64, multiple: 5,
                     note: "a batch of \(described(x)), its partial-batch copy, scaled copy and LAPACK's",
                     remedies: ["a smaller --batch-size"]),
                // CentredSpectrum: the pending rows, the stacked matrix and its SVD factors.
                Item("channel spectrum of \(x.argument)", extents: [sum(c, max(c, 256), 1), c], of: .float64,
                     multiple: 4, note: "C channels, merged in blocks of max(C, 256) rows"),
                Item("batch spectra of \(x.argument)", extents: [x.sampleCount / batchSize, min(batchSize, x.featureCount)],
                     of: .float64, note: "every singular value of every batch"),
            ]
        }
        return MemoryPlan(command: "channels", items: items, available: available)
    }

    // MARK: - Items

    /// A consecutive batch's singular values and the buffers that compute
    /// them (the batch, its scaled copy, LAPACK's copy), plus every batch's
    /// spectrum, which the report keeps.
    static func spectrumItems(_ x: FeatureInput, batchSize: Int) -> [Item] {
        let features = x.featureCount
        return [
            Item("batch buffers", extents: [batchSize, features], of: .float64, multiple: 3,
                 note: "a batch of \(described(x)), its scaled copy and LAPACK's", remedies: ["a smaller --batch-size"]),
            Item("batch spectra", extents: [x.sampleCount / batchSize, min(batchSize, features)],
                 of: .float64, note: "every singular value of every batch"),
        ]
    }

    /// What one rank of RegBN holds (`RegBNMemoryModel`: its columns of W, the
    /// W_hat tiles, the batch buffers, the SVD of the g batch, what rank 0
    /// gathers; with one rank, all of W), plus the sample order and the step log.
    /// The remedies of W's items name the rank count at which a run would fit.
    /// `besides`: the bytes every rank holds for other work (the statistics of
    /// `audit`), which the rank count must leave room for.
    static func regbnItems(f: FeatureInput, g: FeatureInput, settings: RegBNSettings, available: AvailableMemory,
                           besides: Int = 0, ranks: Int = Ranks.count) -> [Item] {
        let configuration = settings.configuration(f: f, g: g)
        let elementBytes = settings.precision == .float32 ? 4 : 8
        let model = RegBNMemoryModel(configuration: configuration, batchSize: settings.batchSize,
                                     elementBytes: elementBytes)
        var wRemedies: [String] = []
        if elementBytes == 8 {
            let half = RegBNMemoryModel(configuration: configuration, batchSize: settings.batchSize, elementBytes: 4)
            wRemedies.append("--precision float32 halves W and the batch buffers (\(describe(half.bytesPerRank(ranks: ranks))) "
                             + "instead of \(describe(model.bytesPerRank(ranks: ranks)))\(ranks > 1 ? " per rank" : ""))")
        }
        let cluster = clusterRemedy(model.ranksNeeded(toFitIn: available.bytes - besides), model: model, ranks: ranks)
        if !cluster.isEmpty { wRemedies.append(cluster) }
        var items = model.items(ranks: ranks).map { item in
            // W's size follows from the inputs as given: name them.
            let size = item.name.hasPrefix("running W") ? "\(item.size), \(described(g)) × \(described(f))" : item.size
            return Item(item.name, size: size, bytes: item.bytes,
                        remedies: item.name.contains("W") ? wRemedies : ["a smaller --batch-size"])
        }
        // A schedule the command will refuse (fewer samples than a batch) has no steps to log.
        let steps = (try? TrainingSchedule(sampleCount: f.sampleCount, batchSize: settings.batchSize,
                                           epochs: settings.epochs, keepLastBatch: settings.keepLastBatch))?.totalSteps
        items += [
            Item("sample order", extents: [sum(settings.epochs, 1), f.sampleCount], of: .int64,
                 note: "every epoch's order, written to /order", remedies: ["fewer --epochs"]),
            Item("step log", extents: [steps ?? 0, 6], of: .float64, note: "λ, fallback, … per training step",
                 remedies: ["fewer --epochs"]),
        ]
        return items
    }

    /// `--dry-run`'s line on RegBN over MPI: the rank count at which RegBN's
    /// share fits `available` on every rank, and what each rank then holds.
    static func regbnRanksNote(f: FeatureInput, g: FeatureInput, settings: RegBNSettings,
                               available: AvailableMemory, besides: Int = 0) -> String {
        let model = RegBNMemoryModel(configuration: settings.configuration(f: f, g: g), batchSize: settings.batchSize,
                                     elementBytes: settings.precision == .float32 ? 4 : 8)
        let room = available.bytes - besides
        let held = besides > 0 ? " besides the \(describe(besides)) every rank holds for the statistics" : ""
        guard let needed = model.ranksNeeded(toFitIn: room) else {
            return "RegBN fits no rank count\(held): the g batch and its SVD, which every rank holds, do not fit "
                + "\(describe(max(0, room)))."
        }
        let perRank = { (ranks: Int) in describe(model.bytesPerRank(ranks: ranks)) }
        return "RegBN's share: \(perRank(1)) in one process, \(perRank(2)) per rank with 2, \(perRank(4)) with 4; "
            + "the fewest ranks at which it fits \(describe(available.bytes))\(held): \(needed)."
    }

    /// What the statistics' items hold on every rank (saturating).
    static func statisticsBytes(_ items: [Item]) -> Int {
        items.reduce(0) { total, item in sum(total, item.bytes ?? .max) }
    }

    /// How many MPI ranks would hold RegBN, each within this machine's memory.
    static func clusterRemedy(_ needed: Int?, model: RegBNMemoryModel, ranks: Int) -> String {
        guard let needed else {
            return "no rank count fits: the g batch and its SVD, which every rank holds, are too big on their own "
                + "(a smaller --batch-size or a smaller g)"
        }
        guard needed > ranks else { return "" }
        return "run on \(needed) or more MPI ranks, each on a machine like this one (each rank then needs "
            + "\(describe(model.bytesPerRank(ranks: needed)))): build with --traits MPI and start it with mpirun or "
            + "srun (README, \"Running on a cluster\")"
    }

    /// The n × n statistics on min(N, --max-samples) rows, the channel means
    /// of the same rows (cross-correlation), and the rows read at a time.
    private static func dependenceItems(samples: Int, features: Int, channels: Int, readFeatures: Int,
                                        readBatch: Int, diagnostics: DiagnosticSettings,
                                        inputs: String) -> [Item] {
        let bootstrapResamples = diagnostics.bootstrap
        let used = min(samples, diagnostics.maxSamples)
        let maxSamples = "a smaller --max-samples (now \(diagnostics.maxSamples))"
        var items = [
            Item("subsample rows", extents: [used, features], of: .float64, multiple: 2,
                 note: "n = min(N, --max-samples) rows and their centred copies", remedies: [maxSamples]),
            Item("n × n kernel buffers", extents: [used, used], of: .float64, multiple: 2,
                 note: "n = min(N, --max-samples)", remedies: [maxSamples]),
            Item("per-sample channel means", extents: [used, channels], of: .float64,
                 note: "n = min(N, --max-samples) samples × the channels of \(inputs), for the cross-correlation",
                 remedies: [maxSamples]),
            Item("read buffers", extents: [readBatch, readFeatures], of: .float64, multiple: 2,
                 note: "rows read at a time and their conversion"),
        ]
        if diagnostics.permutations > 0 {
            let threads = ProcessInfo.processInfo.activeProcessorCount
            items.append(Item("permutation test", extents: [sum(diagnostics.permutations, product(threads, used))],
                              of: .int64, note: "one counter per permutation, one permutation of n per thread",
                              remedies: ["fewer --permutations (now \(diagnostics.permutations))"]))
        }
        if bootstrapResamples > 0 {
            // Resampled products: about 10·n·R + 12·64·n doubles (Diagnostics README, "Cost").
            items.append(Item("bootstrap resamples", extents: [used, sum(product(10, bootstrapResamples), 768)],
                              of: .float64, note: "resample weights and their products",
                              remedies: ["fewer --bootstrap resamples (now \(bootstrapResamples))"]))
        }
        return items
    }

    // MARK: - Arithmetic on declared sizes

    /// Σ values, saturating: a declared shape may be absurd, and a saturated
    /// extent makes its item's size "more than 64 bits hold", which is refused.
    static func sum(_ values: Int...) -> Int {
        values.reduce(0) { total, value in
            let (next, overflow) = total.addingReportingOverflow(value)
            return overflow ? .max : next
        }
    }

    /// a · b, saturating.
    static func product(_ a: Int, _ b: Int) -> Int {
        CheckedSize.elementCount([a, b]) ?? .max
    }

    /// `--f a.h5:/f [200, 64, 7, 7]`: an input as given, with its shape in the file.
    static func described(_ input: FeatureInput) -> String {
        "--\(input.role) \(input.argument) \(input.fileShape)"
    }
}
