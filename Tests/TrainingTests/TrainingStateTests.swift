@testable import Training
import Corpus
import Foundation
import RunStore
import XCTest

/// `state.json` keeps its format now that the position (RunStore's `CheckpointPosition`) is a type of its
/// own: one flat object, byte for byte what the loop wrote before, and RunStore reads the position from it.
final class TrainingStateTests: XCTestCase {
    func state(bestValLoss: Double?) -> TrainingState {
        TrainingState(position: CheckpointPosition(step: 12, stageIndex: 1, stage: "b", stageStep: 4, stageFinished: false),
                      tokens: 1536, elapsed: 1.25, dataPosition: LoaderPosition(seed: 7, epoch: 1, index: 3, windowsPerEpoch: 40),
                      rng: ["0000000000000001", "00000000000000ff", "0123456789abcdef", "fedcba9876543210"],
                      optimizerSteps: 11, bestValLoss: bestValLoss, evalsSinceBest: 2, windowLossSum: 3.75, windowSteps: 1, skippedSteps: 0)
    }

    func testStateJSONIsOneFlatObjectInTheFormatBefore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("training-state-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = state(bestValLoss: 2.5)
        try written.write(into: dir)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("state.json"), encoding: .utf8), """
        {
          "best_val_loss" : 2.5,
          "data_position" : {
            "epoch" : 1,
            "index" : 3,
            "seed" : 7,
            "windows_per_epoch" : 40
          },
          "elapsed" : 1.25,
          "evals_since_best" : 2,
          "optimizer_steps" : 11,
          "rng" : [
            "0000000000000001",
            "00000000000000ff",
            "0123456789abcdef",
            "fedcba9876543210"
          ],
          "skipped_steps" : 0,
          "stage" : "b",
          "stage_finished" : false,
          "stage_index" : 1,
          "stage_step" : 4,
          "step" : 12,
          "tokens" : 1536,
          "window_loss_sum" : 3.75,
          "window_steps" : 1
        }

        """)
        XCTAssertEqual(try TrainingState.read(from: dir), written)
        XCTAssertEqual(try CheckpointPosition.read(from: dir), written.position)
        // No best validation loss yet: the key is left out, as before.
        try state(bestValLoss: nil).write(into: dir)
        let text = try String(contentsOf: dir.appendingPathComponent("state.json"), encoding: .utf8)
        XCTAssertFalse(text.contains("best_val_loss"), text)
        XCTAssertEqual(try TrainingState.read(from: dir), state(bestValLoss: nil))
    }
}
