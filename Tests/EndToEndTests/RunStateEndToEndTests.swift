import Foundation
import XCTest

/// Run state stays true (issue 17): a dead `running` run reads `stale`, a resume with the run's own config is
/// accepted, a damaged latest checkpoint falls back to the one before it with a note, and a resume that fails
/// leaves the run `interrupted`, never `running`. One ordered test over the tiny run of `BadInputFixtures`.
final class RunStateEndToEndTests: XCTestCase {
    func testRunStateStaysTrue() throws {
        let f = try BadInputFixtures.make()
        guard let run = f.runDirectory else { throw XCTSkip("the tiny run did not train") }
        let runs = f.path("runs")

        // A run recorded as running with no live process holding its lock is stale.
        try f.setRunStatus("running")
        let list = try runCodetune(["runs", "list", "--runs-dir", runs])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdoutText.contains("stale"), list.stdoutText)
        let show = try runCodetune(["runs", "show", run.path])
        XCTAssertTrue(show.stdoutText.contains("status    stale"), show.stdoutText)

        // Resume with the run's own config file (vocab_size left to the tokenizer) is accepted.
        try f.setRunStatus("interrupted")
        let resumed = try runCodetune(["train", f.path("tiny-run.yaml"), "--resume", run.path, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertFalse(resumed.stderr.contains("differs"), resumed.stderr)
        XCTAssertEqual(try f.runStatus(), "completed")

        // A truncated model.safetensors in the latest checkpoint: resume says so and takes the one before it.
        let checkpoints = run.appendingPathComponent("checkpoints")
        let latest = checkpoints.appendingPathComponent("stage-b/model.safetensors")
        let handle = try FileHandle(forWritingTo: latest)
        try handle.truncate(atOffset: 100)
        try handle.close()
        try f.setRunStatus("interrupted")
        let fallback = try runCodetune(["train", "--resume", run.path])
        XCTAssertEqual(fallback.status, 0, fallback.stderr)
        XCTAssertTrue(fallback.stderr.contains("stage-b is damaged") && fallback.stderr.contains("falling back"), fallback.stderr)
        XCTAssertEqual(try f.runStatus(), "completed")

        // Every optimizer.safetensors truncated: the resume fails with one line and the run stays interrupted.
        for name in try FileManager.default.contentsOfDirectory(atPath: checkpoints.path) where !name.hasPrefix(".") {
            let url = checkpoints.appendingPathComponent(name).appendingPathComponent("optimizer.safetensors")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let h = try FileHandle(forWritingTo: url)
            try h.truncate(atOffset: 16)
            try h.close()
        }
        try f.setRunStatus("interrupted")
        let failed = try runCodetune(["train", "--resume", run.path])
        XCTAssertEqual(failed.status, 2, failed.stderr)
        XCTAssertTrue(failed.stderr.contains("codetune: ") && failed.stderr.contains("every checkpoint is damaged"), failed.stderr)
        XCTAssertEqual(try f.runStatus(), "interrupted")
    }
}
