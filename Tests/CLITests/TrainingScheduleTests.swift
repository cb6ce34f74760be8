import Testing
@testable import regbn_analyze

@Suite struct TrainingScheduleTests {
    @Test func fileOrderDropsTheLastPartialBatch() throws {
        let schedule = try TrainingSchedule(sampleCount: 23, batchSize: 5, epochs: 2, shuffleSeed: nil)
        #expect(schedule.stepsPerEpoch == 4 && schedule.totalSteps == 8 && schedule.droppedPerEpoch == 3)
        #expect(TrainingSchedule.rows(of: schedule.order(epoch: 1), step: 3, batchSize: 5) == [15, 16, 17, 18, 19])
    }

    @Test func shuffledEpochsArePermutationsFixedBySeed() throws {
        let schedule = try TrainingSchedule(sampleCount: 40, batchSize: 8, epochs: 3, shuffleSeed: 11)
        let orders = (0..<3).map { schedule.order(epoch: $0) }
        for order in orders { #expect(order.sorted() == Array(0..<40)) }
        #expect(orders[0] != orders[1] && orders[1] != orders[2])
        let again = try TrainingSchedule(sampleCount: 40, batchSize: 8, epochs: 1, shuffleSeed: 11)
        #expect(again.order(epoch: 0) == orders[0], "an epoch's order must not depend on the epoch count")
    }

    @Test func batchLargerThanDataIsBadInput() {
        #expect(throws: InputError.self) { try TrainingSchedule(sampleCount: 4, batchSize: 5, epochs: 1, shuffleSeed: nil) }
    }
}
