import Foundation
import Testing
@testable import regbn_analyze

/// `MemoryPlan` and `AvailableMemory` as values: sizes, overflow, the
/// refusal's text, and where the available figure comes from.
@Suite struct MemoryPlanTests {
    static let limit = AvailableMemory(bytes: 16_000_000_000, source: "test limit")

    @Test func itemSizesFollowTheirExtentsAndElementType() {
        let w = MemoryPlan.Item("W", extents: [50176, 50176], of: .float64)
        #expect(w.bytes == 50176 * 50176 * 8 && w.size == "50176 × 50176 float64")
        let kernels = MemoryPlan.Item("kernels", extents: [100, 100], of: .float32, multiple: 2, note: "two of them")
        #expect(kernels.bytes == 80_000 && kernels.size == "2 × 100 × 100 float32 (two of them)")
    }

    @Test func overflowingSizesNeverFit() {
        let absurd = MemoryPlan.Item("declared", extents: [1 << 40, 1 << 40], of: .float64)
        #expect(absurd.bytes == nil)
        let plan = MemoryPlan(command: "x", items: [absurd], available: AvailableMemory(bytes: .max, source: "all"))
        #expect(plan.total == nil && !plan.fits)
        #expect(throws: MemoryPlanError.self) { try plan.requireFits() }
        #expect(MemoryPlanError(plan: plan).description.contains("more than 9.2 EB"))
        // Two items that each fit in 64 bits but not their sum.
        let halves = MemoryPlan(command: "x", items: [MemoryPlan.Item("a", size: "", bytes: .max / 2 + 1),
                                                      MemoryPlan.Item("b", size: "", bytes: .max / 2 + 1)],
                                available: AvailableMemory(bytes: .max, source: "all"))
        #expect(halves.total == nil && !halves.fits)
        #expect(MemoryPlan.sum(.max, 1) == .max && MemoryPlan.product(1 << 40, 1 << 40) == .max)
    }

    @Test func aPlanFitsUpToTheAvailableBytes() throws {
        let exact = MemoryPlan(command: "x", items: [MemoryPlan.Item("a", size: "", bytes: 16_000_000_000)],
                               available: Self.limit)
        #expect(exact.fits)
        try exact.requireFits()
        let over = MemoryPlan(command: "x", items: [MemoryPlan.Item("a", size: "", bytes: 16_000_000_001)],
                              available: Self.limit)
        #expect(!over.fits)
    }

    /// Remedies come from the items that matter, largest first, once each.
    @Test func remediesComeFromTheLargeItemsInOrder() {
        let plan = MemoryPlan(command: "x", items: [
            MemoryPlan.Item("small", size: "", bytes: 10, remedies: ["shrink small"]),
            MemoryPlan.Item("large", size: "", bytes: 1000, remedies: ["shrink large", "shared"]),
            MemoryPlan.Item("medium", size: "", bytes: 500, remedies: ["shared", "shrink medium"]),
        ], available: AvailableMemory(bytes: 100, source: "test"))
        #expect(plan.remedies == ["shrink large", "shared", "shrink medium"])
        let text = MemoryPlanError(plan: plan).description
        #expect(text.hasPrefix("x would need 1.5 KB of memory, more than the 100 bytes available (test)"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.firstIndex { $0.contains("large:") }! < lines.firstIndex { $0.contains("medium:") }!)
        #expect(lines.contains("  - shrink medium") && !text.contains("shrink small"))
    }

    @Test func meminfoIsReadInKibibytes() {
        let text = "MemTotal:       24683652 kB\nMemFree:        21729644 kB\nMemAvailable:   24192620 kB\n"
        #expect(AvailableMemory.memAvailable(inMeminfo: text) == 24_192_620 * 1024)
        #expect(AvailableMemory.memAvailable(inMeminfo: "MemTotal: 10 kB\n") == nil)
        #expect(AvailableMemory.memAvailable(inMeminfo: "MemAvailable: many kB\n") == nil)
    }

    @Test func byteCountsTakeDecimalSuffixes() {
        #expect(AvailableMemory.parseByteCount("8000000000") == 8_000_000_000)
        #expect(AvailableMemory.parseByteCount("16G") == 16_000_000_000)
        #expect(AvailableMemory.parseByteCount("512mb") == 512_000_000)
        #expect(AvailableMemory.parseByteCount("1.5T") == 1_500_000_000_000)
        #expect(AvailableMemory.parseByteCount("0") == 0)
        for bad in ["", "-1", "lots", "8X", "1e30G", "nanG"] {
            #expect(AvailableMemory.parseByteCount(bad) == nil, "\(bad)")
        }
    }

    @Test func theEnvironmentOverridesTheMachine() throws {
        let set = try AvailableMemory.current(environment: ["REGBN_MEMORY_LIMIT": "2G"])
        #expect(set == AvailableMemory(bytes: 2_000_000_000, source: "REGBN_MEMORY_LIMIT"))
        #expect(throws: MemoryLimitError(text: "two gigs")) {
            try AvailableMemory.current(environment: ["REGBN_MEMORY_LIMIT": "two gigs"])
        }
        #expect(MemoryLimitError(text: "x").exitStatus == .usage)
        let machine = try AvailableMemory.current(environment: [:])
        #expect(machine.bytes > 0 && !machine.source.isEmpty)
    }

    @Test func aRefusalIsBadInput() {
        let plan = MemoryPlan(command: "x", items: [MemoryPlan.Item("a", size: "", bytes: 2)],
                              available: AvailableMemory(bytes: 1, source: "test"))
        #expect(MemoryPlanError(plan: plan).exitStatus == .badInput)
    }
}

extension MemoryLimitError: Equatable {
    public static func == (a: MemoryLimitError, b: MemoryLimitError) -> Bool { a.text == b.text }
}
