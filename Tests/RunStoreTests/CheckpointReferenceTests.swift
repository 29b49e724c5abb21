import FileFormats
import Foundation
import RunStore
import XCTest

/// `--model SPEC [--checkpoint NAME]`: parsed once into a `CheckpointReference`, resolved once to a checkpoint
/// directory, its run and its label under the run's `evals/`.
final class CheckpointReferenceTests: XCTestCase {
    var dir: URL!
    var runsDir: URL { dir.appendingPathComponent("Runs") }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-reference-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func resolve(_ spec: String, checkpoint: String? = nil) throws -> CheckpointLocation {
        try CheckpointReference(parsing: spec, checkpoint: checkpoint).resolve(runsDir: runsDir)
    }

    /// A checkpoint directory with a `config.json` and, when `step` is given, a `state.json` position.
    func checkpoint(_ name: String, in run: URL, step: Int?, finished: Bool = false) throws {
        let c = run.appendingPathComponent("checkpoints").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: c, withIntermediateDirectories: true)
        try "{}".write(to: c.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        if let step {
            try #"{"step": \#(step), "stage_index": 0, "stage": "code", "stage_step": \#(step), "stage_finished": \#(finished)}"#
                .write(to: c.appendingPathComponent("state.json"), atomically: true, encoding: .utf8)
        }
    }

    func testParsingSplitsRunStageAndCheckpointOnce() throws {
        XCTAssertEqual(try CheckpointReference(parsing: "Runs/quick/20261123-0100"), CheckpointReference(target: "Runs/quick/20261123-0100"))
        XCTAssertEqual(try CheckpointReference(parsing: "quick:code"), CheckpointReference(target: "quick", selection: .stage("code")))
        XCTAssertEqual(try CheckpointReference(parsing: "a:b:code"), CheckpointReference(target: "a:b", selection: .stage("code")))
        XCTAssertEqual(try CheckpointReference(parsing: "quick", checkpoint: "best-code"),
                       CheckpointReference(target: "quick", selection: .named("best-code")))
        XCTAssertThrowsError(try CheckpointReference(parsing: "quick:")) { XCTAssertTrue("\($0)".contains("empty stage"), "\($0)") }
        XCTAssertThrowsError(try CheckpointReference(parsing: "quick:code", checkpoint: "best-code")) {
            XCTAssertTrue("\($0)".contains("either RUN:STAGE or --checkpoint"), "\($0)")
        }
        // A path that exists is taken whole, colon and all.
        let odd = dir.appendingPathComponent("run:odd")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
        XCTAssertEqual(try CheckpointReference(parsing: odd.path), CheckpointReference(target: odd.path))
    }

    func testResolvesRunsStagesAndCheckpoints() throws {
        let run = runsDir.appendingPathComponent("quick/20261123-0100")
        let checkpoints = run.appendingPathComponent("checkpoints")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        XCTAssertThrowsError(try resolve(run.path)) { XCTAssertTrue("\($0)".contains("no finished checkpoint"), "\($0)") }
        try checkpoint("step-00000100", in: run, step: 100)
        try checkpoint("stage-code", in: run, step: 200, finished: true)
        try checkpoint("step-00000200", in: run, step: 200)
        try checkpoint("best-code", in: run, step: 150)
        try checkpoint(".tmp-stage-edits", in: run, step: 900)   // a temporary: never chosen
        var r = try resolve(run.path)
        XCTAssertEqual(r.directory.lastPathComponent, "stage-code")   // highest step, the stage end wins the tie
        XCTAssertEqual(r.label, "code")
        XCTAssertEqual(r.run?.url.path, run.standardizedFileURL.path)
        XCTAssertEqual(r.evalDirectory(suite: "basic-python")?.path, run.path + "/evals/basic-python/code")
        try checkpoint("step-00000300", in: run, step: 300)
        r = try resolve(run.path)
        XCTAssertEqual(r.label, "step-00000300")
        r = try resolve(run.path + ":code")
        XCTAssertEqual(r.directory.lastPathComponent, "stage-code")
        r = try resolve(run.path, checkpoint: "best-code")
        XCTAssertEqual(r.label, "best-code")
        XCTAssertThrowsError(try resolve(run.path + ":edits")) { XCTAssertTrue("\($0)".contains("no checkpoint stage-edits"), "\($0)") }
        XCTAssertThrowsError(try resolve(run.path, checkpoint: "nope"))
        // A checkpoint directory inside a run belongs to the run; one outside has no run.
        r = try resolve(checkpoints.appendingPathComponent("stage-code").path)
        XCTAssertEqual(r.run?.url.path, run.standardizedFileURL.path)
        XCTAssertEqual(r.label, "code")
        let loose = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: loose, withIntermediateDirectories: true)
        try "{}".write(to: loose.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        XCTAssertNil(try resolve(loose.path).run)
        XCTAssertNil(try resolve(loose.path).evalDirectory(suite: "basic-python"))
        XCTAssertThrowsError(try resolve(loose.path + ":code"))
        XCTAssertThrowsError(try resolve(dir.appendingPathComponent("missing").path)) {
            XCTAssertTrue("\($0)".contains("no such run or checkpoint"), "\($0)")
        }
        XCTAssertThrowsError(try resolve(dir.path)) { XCTAssertTrue("\($0)".contains("neither a checkpoint"), "\($0)") }
    }

    /// A spec that is no path is a run id or name under the runs directory, with `:STAGE` or `--checkpoint` as for a path.
    func testRunsByNameUnderTheRunsDirectory() throws {
        try FileManager.default.createDirectory(at: runsDir, withIntermediateDirectories: true)
        let fx = RunFixtures(runsDir: runsDir)
        let run = try fx.makeRun(id: "20261123-000000-aaaa", name: "quick")
        try checkpoint("stage-pretrain", in: run.url, step: 4, finished: true)
        try checkpoint("stage-finetune", in: run.url, step: 8, finished: true)
        XCTAssertEqual(try resolve("quick").directory.lastPathComponent, "stage-finetune")
        XCTAssertEqual(try resolve("quick:pretrain").label, "pretrain")
        XCTAssertEqual(try resolve("20261123-000000", checkpoint: "stage-pretrain").run, run)
        XCTAssertThrowsError(try resolve("slow:pretrain")) {
            XCTAssertEqual(($0 as? InputError)?.file, "slow")
            XCTAssertTrue("\($0)".contains("nor a run id or name under"), "\($0)")
        }
    }
}
