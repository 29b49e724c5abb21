import Training
import XCTest

final class ScheduleTests: XCTestCase {
    func lr(_ step: Int, _ schedule: StageConfig.Schedule, total: Int = 110, warmup: Int = 10) -> Double {
        learningRate(step: step, totalSteps: total, peak: 1e-3, minLR: 1e-4, warmup: warmup, schedule: schedule)
    }

    func testWarmupRisesLinearlyToThePeak() {
        XCTAssertEqual(lr(0, .cosine), 1e-4, accuracy: 1e-15)
        XCTAssertEqual(lr(4, .linear), 5e-4, accuracy: 1e-15)
        XCTAssertEqual(lr(9, .constant), 1e-3, accuracy: 1e-15)
    }

    func testCosineRunsFromPeakThroughTheMidpointToMin() {
        XCTAssertEqual(lr(10, .cosine), 1e-3, accuracy: 1e-15)
        // Step 10 + 99/2 is not an integer; check p = 0.5 with an odd span instead.
        XCTAssertEqual(learningRate(step: 60, totalSteps: 111, peak: 1e-3, minLR: 1e-4, warmup: 10, schedule: .cosine), 5.5e-4, accuracy: 1e-15)
        // p = 1/4: min + (peak - min)(1 + cos(pi/4))/2.
        let quarter = 1e-4 + 9e-4 * 0.5 * (1 + cos(Double.pi / 4))
        XCTAssertEqual(learningRate(step: 35, totalSteps: 111, peak: 1e-3, minLR: 1e-4, warmup: 10, schedule: .cosine), quarter, accuracy: 1e-15)
        XCTAssertEqual(lr(109, .cosine), 1e-4, accuracy: 1e-15)
    }

    func testLinearAndConstant() {
        XCTAssertEqual(learningRate(step: 60, totalSteps: 111, peak: 1e-3, minLR: 1e-4, warmup: 10, schedule: .linear), 5.5e-4, accuracy: 1e-15)
        XCTAssertEqual(lr(109, .linear), 1e-4, accuracy: 1e-15)
        XCTAssertEqual(lr(50, .constant), 1e-3)
        XCTAssertEqual(lr(109, .constant), 1e-3)
    }

    func testDecreasesMonotonicallyAfterWarmup() {
        for schedule in [StageConfig.Schedule.cosine, .linear] {
            let values = (10..<110).map { lr($0, schedule) }
            XCTAssertEqual(values, values.sorted(by: >), "\(schedule)")
        }
    }

    func testDegenerateStages() {
        XCTAssertEqual(lr(0, .cosine, total: 1, warmup: 0), 1e-3)
        XCTAssertEqual(lr(0, .cosine, total: 2, warmup: 0), 1e-3)
        XCTAssertEqual(lr(1, .cosine, total: 2, warmup: 0), 1e-4, accuracy: 1e-15)
        XCTAssertEqual(lr(4, .cosine, total: 5, warmup: 5), 1e-3, accuracy: 1e-15)
    }
}
