import HDF5IO

/// What a run will hold in memory at its peak, item by item, set against what
/// this machine has. Every command builds its plan from the input shapes and
/// its settings before it allocates anything large, and refuses up front
/// (`requireFits`) instead of dying in an allocation halfway through.
///
/// A value, so that other front ends can use the same numbers: a dry run
/// prints `description`, a distributed run divides the items that split
/// across ranks.
struct MemoryPlan: Sendable, Equatable {
    /// One buffer (or family of buffers) and where its size comes from.
    struct Item: Sendable, Equatable {
        /// What it is, e.g. "running W of RegBN".
        let name: String
        /// How the size follows from the inputs, e.g. "50176 × 50176 float64
        /// (g features × f features)".
        let size: String
        /// nil when the size does not fit in 64 bits (a hostile or absurd shape).
        let bytes: Int?
        /// What shrinks it, in command-line terms.
        let remedies: [String]

        init(_ name: String, size: String, bytes: Int?, remedies: [String] = []) {
            self.name = name
            self.size = size
            self.bytes = bytes
            self.remedies = remedies
        }

        /// `count` elements of `element`, described as `extents` joined by ×.
        init(_ name: String, extents: [Int], of element: ElementType, multiple: Int = 1, note: String? = nil,
             remedies: [String] = []) {
            let count = CheckedSize.elementCount(extents + [multiple])
            let text = (multiple == 1 ? "" : "\(multiple) × ") + extents.map(String.init).joined(separator: " × ")
            self.init(name, size: "\(text) \(element.rawValue)" + (note.map { " (\($0))" } ?? ""),
                      bytes: count.flatMap { CheckedSize.bytes($0, elementSize: element.size) }, remedies: remedies)
        }
    }

    /// The element types buffers hold.
    enum ElementType: String, Sendable {
        case float32, float64, int64

        var size: Int { self == .float32 ? 4 : 8 }
    }

    /// The subcommand, for the message.
    let command: String
    let items: [Item]
    let available: AvailableMemory
    /// What `--dry-run` adds below the items (for RegBN: the rank counts that fit).
    var notes: [String] = []

    /// Σ bytes; nil when an item or the sum exceeds 64 bits.
    var total: Int? {
        var sum = 0
        for item in items {
            guard let bytes = item.bytes else { return nil }
            let (next, overflow) = sum.addingReportingOverflow(bytes)
            if overflow { return nil }
            sum = next
        }
        return sum
    }

    var fits: Bool { total.map { $0 <= available.bytes } ?? false }

    /// Refuses a plan that does not fit, before anything large is allocated.
    func requireFits() throws(MemoryPlanError) {
        guard fits else { throw MemoryPlanError(plan: self) }
    }

    /// Items below this share of the total are not worth a remedy.
    static let remedyShare = 0.1

    /// The remedies of the items that matter (at least a tenth of the total),
    /// largest item first, each said once.
    var remedies: [String] {
        var seen: Set<String> = []
        let threshold = total.map { Double($0) * Self.remedyShare } ?? 0
        return items.sorted { ($0.bytes ?? .max) > ($1.bytes ?? .max) }
            .filter { item in item.bytes.map { Double($0) >= threshold } ?? true }
            .flatMap(\.remedies)
            .filter { seen.insert($0).inserted }
    }

    /// The items with their sizes, one per line, largest first, then the total.
    var description: String {
        let width = items.map { Self.describe($0.bytes).count }.max() ?? 0
        var lines = items.sorted { ($0.bytes ?? .max) > ($1.bytes ?? .max) }.map { item in
            let amount = Self.describe(item.bytes)
            return "  " + String(repeating: " ", count: width - amount.count) + amount + "  \(item.name): \(item.size)"
        }
        lines.append("  total \(Self.describe(total)), available \(Self.describe(available.bytes)) "
                     + "(\(available.source))")
        return lines.joined(separator: "\n")
    }

    /// What `--dry-run` prints: the items (of each rank, under MPI), the total
    /// against what is available, whether the run would go ahead, and the notes.
    var dryRunReport: String {
        let ranks = Ranks.count
        var text = "\(command) would hold at its peak" + (ranks > 1 ? ", on each of \(ranks) ranks" : "") + ":\n"
        text += description + "\n"
        text += fits ? "It fits: the run would go ahead.\n"
            : "It does not fit: the run would be refused.\n" + remedies.map { "  - " + $0 + "\n" }.joined()
        return text + notes.map { $0 + "\n" }.joined()
    }

    static func describe(_ bytes: Int?) -> String {
        bytes.map { CheckedSize.describe(bytes: $0) } ?? "more than 9.2 EB"
    }
}

/// A run that needs more memory than the machine has: refused before it starts
/// (bad input, exit 3: the same command succeeds on smaller data or settings).
struct MemoryPlanError: Error, CustomStringConvertible, ExitStatusProviding {
    let plan: MemoryPlan

    var exitStatus: ExitStatus { .badInput }

    var description: String {
        var text = "\(plan.command) would need \(MemoryPlan.describe(plan.total)) of memory, more than the "
            + "\(MemoryPlan.describe(plan.available.bytes)) available (\(plan.available.source)), so it "
            + "stopped before reading the data. What it would hold at once:\n" + plan.description
        let remedies = plan.remedies
        if !remedies.isEmpty {
            text += "\nTo make it fit:\n" + remedies.map { "  - " + $0 }.joined(separator: "\n")
        }
        return text
    }
}
