import Testing
@testable import regbn_analyze

/// Staging names: hidden, recognisable, within NAME_MAX whatever the output
/// name, and carrying the PID that owns them.
@Suite struct StagingNameTests {
    @Test func namesCarryTheOutputNameAndTheirOwner() {
        let name = StagingName.make(for: "report", pid: 4321)
        #expect(name.hasPrefix(".report.regbn-staging-4321-"))
        #expect(StagingName.owner(of: name) == 4321)
        #expect(StagingName.make(for: "report", pid: 4321) != name, "two entries of one run share a name")
    }

    @Test func namesStayWithin255BytesAndWholeCharacters() {
        for finalName in [String(repeating: "n", count: 255), String(repeating: "ü", count: 127) + "x",
                          String(repeating: "😀", count: 63), "short"] {
            let name = StagingName.make(for: finalName, pid: Int32.max)
            #expect(name.utf8.count <= 255, "\(name.utf8.count) bytes")
            #expect(StagingName.owner(of: name) == Int32.max)
            // Truncated on a character boundary: the prefix is a prefix of the name.
            let kept = String(name.dropFirst()).components(separatedBy: StagingName.marker)[0]
            #expect(finalName.hasPrefix(kept) && !kept.isEmpty)
        }
    }

    @Test func otherNamesHaveNoOwner() {
        for name in ["report", ".report.partial-1234", ".x.regbn-staging-", ".x.regbn-staging-12-abc",
                     "x.regbn-staging-12-0123456789abcdef", ".x.regbn-staging-0-0123456789abcdef",
                     ".x.regbn-staging-12-0123456789abcdeg", ".x.regbn-staging-99999999999-0123456789abcdef"] {
            #expect(StagingName.owner(of: name) == nil, "\(name)")
        }
        #expect(StagingName.owner(of: ".a.regbn-staging-7.regbn-staging-12-0123456789abcdef") == 12)
    }
}
