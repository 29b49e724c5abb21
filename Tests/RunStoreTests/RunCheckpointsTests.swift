import FileFormats
import Foundation
import RunStore
import XCTest

/// The run layout's `checkpoints/`: names formatted and parsed in one place, the latest checkpoint chosen
/// from the typed `state.json` position, pruning.
final class RunCheckpointsTests: XCTestCase {
    var dir: URL!
    var checkpoints: RunCheckpoints!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("run-checkpoints-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        checkpoints = RunCheckpoints(url: dir)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func write(_ name: String, _ position: CheckpointPosition?, raw: String? = nil) throws {
        let c = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: c, withIntermediateDirectories: true)
        var text = raw
        if let position { text = String(decoding: try JSONEncoder().encode(position), as: UTF8.self) }
        if let text { try text.write(to: c.appendingPathComponent(CheckpointPosition.fileName), atomically: true, encoding: .utf8) }
    }

    func position(_ step: Int, stage: String = "a", stageStep: Int? = nil, finished: Bool = false) -> CheckpointPosition {
        CheckpointPosition(step: step, stageIndex: 0, stage: stage, stageStep: stageStep ?? step, stageFinished: finished)
    }

    func testNamesFormatAndParseInOnePlace() {
        XCTAssertEqual(CheckpointName.step(200).description, "step-00000200")
        XCTAssertEqual(CheckpointName.step(123_456_789).description, "step-123456789")
        XCTAssertEqual(CheckpointName.stage("finetune").description, "stage-finetune")
        XCTAssertEqual(CheckpointName.best("code").description, "best-code")
        for name: CheckpointName in [.step(0), .step(200), .step(123_456_789), .stage("a-b"), .best("code")] {
            XCTAssertEqual(CheckpointName(name.description), name)
        }
        for text in ["step-200", "step-", "step-0000020x", "stage-", "best-", ".step-00000200.tmp-1", "export"] {
            XCTAssertNil(CheckpointName(text), text)
        }
        XCTAssertEqual(CheckpointName.evalLabel(of: "stage-finetune"), "finetune")
        XCTAssertEqual(CheckpointName.evalLabel(of: "best-code"), "best-code")
        XCTAssertEqual(CheckpointName.evalLabel(of: "step-00000200"), "step-00000200")
        XCTAssertEqual(CheckpointName.evalLabel(of: "stage-"), "stage-")
        XCTAssertEqual(checkpoints.url(of: .stage("a")).lastPathComponent, "stage-a")
    }

    func testLatestIsTheFurthestPositionAmongStepAndStageCheckpoints() throws {
        XCTAssertNil(checkpoints.latest())
        try write("step-00000004", position(4))
        try write("best-a", position(9))                                // best-* is never a resume point
        try write("step-00000009", nil, raw: #"{"step": 9"#)            // torn state.json: passed over
        try write("step-00000008", nil, raw: #"{"step": 8, "stage": "a"}"#)   // no full position: passed over
        try write(".step-00000099.tmp-1-2", position(99))               // a temporary
        XCTAssertEqual(checkpoints.latest()?.name, .step(4))
        try write("step-00000006", position(6))
        try write("stage-a", position(6, finished: true))               // equal steps: the finished stage is further along
        let latest = try XCTUnwrap(checkpoints.latest())
        XCTAssertEqual(latest.name, .stage("a"))
        XCTAssertEqual(latest.url.lastPathComponent, "stage-a")
        XCTAssertEqual(latest.position, position(6, finished: true))
        try write("step-00000007", position(7, stage: "b", stageStep: 1))
        XCTAssertEqual(checkpoints.latest()?.name, .step(7))
    }

    /// The position is the part of a full `state.json` the layout needs; the other keys are left alone.
    func testPositionReadsFromAFullTrainingState() throws {
        try write("stage-b", nil, raw: """
        {"best_val_loss": 2.5, "data_position": {"epoch": 1, "index": 3, "seed": 7, "windows_per_epoch": 40}, "elapsed": 1.25,
         "evals_since_best": 2, "optimizer_steps": 11, "rng": ["1", "2", "3", "4"], "skipped_steps": 0, "stage": "b",
         "stage_finished": true, "stage_index": 1, "stage_step": 4, "step": 12, "tokens": 1536, "window_loss_sum": 3.75, "window_steps": 1}
        """)
        XCTAssertEqual(try CheckpointPosition.read(from: dir.appendingPathComponent("stage-b")),
                       CheckpointPosition(step: 12, stageIndex: 1, stage: "b", stageStep: 4, stageFinished: true))
        XCTAssertThrowsError(try CheckpointPosition.read(from: dir.appendingPathComponent("missing"))) { XCTAssertTrue($0 is InputError) }
    }

    func testPruneKeepsTheNewestStepsOfAStage() throws {
        for step in 1...4 { try write(CheckpointName.step(step).description, position(step)) }
        try write("step-00000005", position(5, stage: "b", stageStep: 1))
        try write("stage-a", position(4, finished: true))
        checkpoints.prune(stage: "a", keepLast: 2)
        XCTAssertEqual(checkpoints.names(), ["stage-a", "step-00000003", "step-00000004", "step-00000005"])
        try write(".stage-b.tmp-1-2", nil)
        checkpoints.removeTemporaries()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 4)
    }
}
