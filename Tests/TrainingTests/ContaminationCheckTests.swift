import FileFormats
import Foundation
import Training
import XCTest

/// Training refuses stage data that shares 13-grams with a run's eval problems, unless the stage allows it.
final class ContaminationCheckTests: XCTestCase {
    var dir: URL!
    let solution = "    result = []\n    for index, value in enumerate(items):\n        if index % step == 0:\n            result.append(value * factor)\n    return result\n"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("contam-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let problem: [String: String] = [
            "task_id": "Mine/0", "prompt": "def every_step(items, step, factor):\n    \"\"\"Scale every step-th item.\"\"\"\n",
            "canonical_solution": solution, "test": "def check(candidate):\n    assert candidate([1], 1, 2) == [2]\n",
            "entry_point": "every_step"]
        try JSONLines.encodeLine(problem).appending("\n").write(to: dir.appendingPathComponent("problems.jsonl"), atomically: true, encoding: .utf8)
        try "problems: problems.jsonl\n".write(to: dir.appendingPathComponent("suite.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func config(events: String, allow: Bool) throws -> RunConfig {
        try events.write(to: dir.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        let text = """
        name: contam
        model: {vocab_size: 512, hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 4,
                num_key_value_heads: 2, intermediate_size: 128, max_position_embeddings: 64}
        stages:
          - name: finetune
            objective: completion
            data: events.jsonl
            steps: 10
            context: 64
            allow_contaminated: \(allow)
        evals:
          - suite: suite.yaml
        """
        return try RunConfig.parse(text, file: dir.appendingPathComponent("run.yaml"))
    }

    func event(prefix: String, suggestion: String) throws -> String {
        try JSONLines.encodeLine(["prefix": prefix, "suffix": "", "suggestion": suggestion, "outcome": "accepted"]) + "\n"
    }

    func testContaminatedStageDataIsRefusedWithTheProblemNamed() throws {
        let c = try config(events: try event(prefix: "def f(items, step, factor):\n", suggestion: solution), allow: false)
        XCTAssertThrowsError(try TrainingSession.requireUncontaminatedData(c, note: { _ in })) { error in
            let line = (error as? InputError)?.description ?? "\(error)"
            XCTAssertTrue(line.contains("events.jsonl") && line.contains("contaminated") && line.contains("Mine/0"), line)
        }
    }

    func testAllowContaminatedTrainsAnywayAndSaysSo() throws {
        let c = try config(events: try event(prefix: "def f(items, step, factor):\n", suggestion: solution), allow: true)
        var notes: [String] = []
        XCTAssertNoThrow(try TrainingSession.requireUncontaminatedData(c, note: { notes.append($0) }))
        XCTAssertTrue(notes.contains { $0.contains("overlaps 1 eval problem") }, "\(notes)")
    }

    func testCleanDataPasses() throws {
        let c = try config(events: try event(prefix: "def g(x):\n", suggestion: "    return x + 1\n"), allow: false)
        var notes: [String] = []
        XCTAssertNoThrow(try TrainingSession.requireUncontaminatedData(c, note: { notes.append($0) }))
        XCTAssertTrue(notes.contains { $0.contains("shares no 13-gram") }, "\(notes)")
    }
}
