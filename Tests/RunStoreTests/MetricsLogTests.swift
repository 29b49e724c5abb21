import FileFormats
import RunStore
import XCTest

final class MetricsLogTests: XCTestCase {
    func record(_ step: Int, _ split: MetricRecord.Split = .train) -> MetricRecord {
        MetricRecord(step: step, stage: "s", stageStep: step, split: split, loss: 1.0 / Double(step), tokens: step * 10, time: 0, elapsed: 0)
    }

    func testReaderSkipsATornLastLine() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let url = fx.runsDir.appendingPathComponent("metrics.jsonl")
        let log = try MetricsLog(url: url)
        try log.append(record(1))
        try log.append(record(2))
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\":3,\"stage\":\"s\",\"lo".utf8))
        try handle.close()
        XCTAssertEqual(try MetricsLog.read(url).map(\.step), [1, 2])
    }

    func testATornLineInTheMiddleIsAnErrorWithItsLine() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let url = fx.runsDir.appendingPathComponent("metrics.jsonl")
        try Data("{\"step\":1,\"stage\":\"s\",\"lo\n".utf8).write(to: url)
        let log = try MetricsLog(url: url)
        try log.append(record(2))
        XCTAssertThrowsError(try MetricsLog.read(url)) { XCTAssertEqual(($0 as? InputError)?.line, 1) }
    }

    func testTruncateKeepsRecordsThroughTheCheckpointStepAndDropsTheTornLine() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let url = fx.runsDir.appendingPathComponent("metrics.jsonl")
        let log = try MetricsLog(url: url)
        for s in 1...6 { try log.append(record(s)); if s % 2 == 0 { try log.append(record(s, .val)) } }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\":7".utf8))
        try handle.close()
        XCTAssertEqual(try MetricsLog.truncate(url, throughStep: 4), 4)  // 5, 6 train, 6 val, torn
        let kept = try MetricsLog.read(url)
        XCTAssertEqual(kept.map(\.step), [1, 2, 2, 3, 4, 4])
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).hasSuffix("\n"))
        // Appending after the truncation continues the log without a gap or duplicate.
        let resumed = try MetricsLog(url: url)
        try resumed.append(record(5))
        XCTAssertEqual(try MetricsLog.read(url).map(\.step), [1, 2, 2, 3, 4, 4, 5])
        XCTAssertEqual(try MetricsLog.truncate(url, throughStep: 5), 0)
    }

    func testRecordUsesSnakeCaseFieldNames() throws {
        let line = try JSONLines.encodeLine(MetricRecord(step: 3, stage: "pretrain", stageStep: 3, split: .val, loss: 2.5, lr: 0.001, gradNorm: 0.5,
                                                         tokens: 300, tokensPerSecond: 100, mfu: 0.2, time: 1, elapsed: 2))
        for key in ["\"stage_step\":3", "\"grad_norm\":0.5", "\"tokens_per_s\":100", "\"split\":\"val\"", "\"mfu\":0.2"] {
            XCTAssertTrue(line.contains(key), "\(key) in \(line)")
        }
    }
}
