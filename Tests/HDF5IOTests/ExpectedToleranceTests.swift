import HDF5IO
import TestSupport
import Testing

/// The tolerance rule |a − e| ≤ atol + rtol·|e| of `Expected`, on hand-made values.
@Suite struct ExpectedToleranceTests {
    let expected = Expected(
        path: "/x", shape: [2, 2], values: [1, -2, .nan, 100], rtol: 1e-3, atol: 1e-6,
        rtolReplay: 1e-6, atolReplay: 0)

    @Test func withinToleranceIsNoMismatch() {
        #expect(expected.mismatch([1 + 5e-4, -2, .nan, 100.05]) == nil)
    }

    @Test func worstElementIsNamed() throws {
        let message = try #require(expected.mismatch([1, -2, .nan, 101]))
        #expect(message.contains("1 of 4"))
        #expect(message.contains("[1, 1]"))
        #expect(message.contains("/x"))
    }

    @Test func nanOnlyMatchesNaN() {
        #expect(expected.mismatch([1, -2, 0, 100]) != nil)
        #expect(expected.mismatch([.nan, -2, .nan, 100]) != nil)
    }

    @Test func replayProfileUsesReplayTolerances() {
        let actual = [1 + 5e-4, -2, .nan, 100]
        #expect(expected.mismatch(actual, profile: .free) == nil)
        #expect(expected.mismatch(actual, profile: .replay) != nil)
    }

    @Test func countMismatchIsReported() {
        #expect(expected.mismatch([1, 2]) != nil)
    }

    @Test func maxErrorReportsAbsoluteAndRelative() {
        let error = expected.maxError([1.5, -2, .nan, 100])
        #expect(error.abs == 0.5)
        #expect(error.rel == 0.5)
    }
}
