import Testing
@testable import regbn_analyze

@Suite struct TrainingScheduleTests {
    @Test func fileOrderDropsTheLastPartialBatch() throws {
        let schedule = try TrainingSchedule(sampleCount: 23, batchSize: 5, epochs: 2)
        #expect(schedule.stepsPerEpoch == 4 && schedule.totalSteps == 8 && schedule.droppedPerEpoch == 3)
        #expect(Array(schedule.rows(of: schedule.order(epoch: 1), step: 3)) == [15, 16, 17, 18, 19])
    }

    @Test func keepingTheLastBatchAddsAPartialStepLikeDataLoader() throws {
        // len(DataLoader(range(23), batch_size=5, drop_last=False)) = ceil(23/5) = 5.
        let schedule = try TrainingSchedule(sampleCount: 23, batchSize: 5, epochs: 2, firstEpoch: 1, keepLastBatch: true)
        #expect(schedule.stepsPerEpoch == 5 && schedule.totalSteps == 10 && schedule.droppedPerEpoch == 0)
        #expect(Array(schedule.rows(of: schedule.order(epoch: 0), step: 4)) == [20, 21, 22])
        #expect(schedule.epochArgument(0) == 1 && schedule.epochArgument(1) == 2)
        let tiny = try TrainingSchedule(sampleCount: 3, batchSize: 5, epochs: 1, keepLastBatch: true)
        #expect(tiny.stepsPerEpoch == 1 && Array(tiny.rows(of: tiny.order(epoch: 0), step: 0)) == [0, 1, 2])
    }

    @Test func shuffledEpochsArePermutationsFixedBySeed() throws {
        let schedule = try TrainingSchedule(sampleCount: 40, batchSize: 8, epochs: 3, order: .shuffled(seed: 11))
        let orders = (0..<3).map { schedule.order(epoch: $0) }
        for order in orders { #expect(order.sorted() == Array(0..<40)) }
        #expect(orders[0] != orders[1] && orders[1] != orders[2])
        let again = try TrainingSchedule(sampleCount: 40, batchSize: 8, epochs: 1, order: .shuffled(seed: 11))
        #expect(again.order(epoch: 0) == orders[0], "an epoch's order must not depend on the epoch count")
    }

    @Test func loggedOrdersAreCutToWhatAnEpochConsumes() throws {
        let schedule = try TrainingSchedule(sampleCount: 5, batchSize: 2, epochs: 2)
        let full: [Int64] = [4, 3, 2, 1, 0, 0, 1, 2, 3, 4]
        #expect(try LoggedOrder.epochs(values: full, shape: [2, 5], argument: "--order x", schedule: schedule)
                == [[4, 3, 2, 1], [0, 1, 2, 3]])
        #expect(try LoggedOrder.epochs(values: full, shape: [10], argument: "--order x", schedule: schedule)
                == [[4, 3, 2, 1], [0, 1, 2, 3]])
        let consumed: [Int64] = [4, 3, 2, 1, 0, 1, 2, 3]
        #expect(try LoggedOrder.epochs(values: consumed, shape: [8], argument: "--order x", schedule: schedule)
                == [[4, 3, 2, 1], [0, 1, 2, 3]])
    }

    @Test func batchLargerThanDataIsBadInputUnlessThePartialBatchIsKept() throws {
        #expect(throws: InputError.self) { try TrainingSchedule(sampleCount: 4, batchSize: 5, epochs: 1) }
        #expect(try TrainingSchedule(sampleCount: 4, batchSize: 5, epochs: 1, keepLastBatch: true).totalSteps == 1)
    }
}
