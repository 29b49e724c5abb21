import FileFormats
import Foundation
import Sandbox
import Tokenizer
import XCTest

/// The directory that tests of evals during training start from: a tiny trained `tokenizer.json`, one
/// accepted telemetry event (`events.jsonl`) and two problems any correct body passes (`p.jsonl`). Each
/// test writes its own suites beside them.
enum EvalRunFixture {
    static func makeDirectory(prefix: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let corpus = (0..<20).map { "def add_\($0)(a, b):\n    return a + b * \($0)\n" }
        try BPETokenizer.train(documents: corpus, vocabSize: 300, threads: 1).write(to: dir.appendingPathComponent("tokenizer.json"))
        try JSONLines.encodeLine(["prefix": "x = ", "suffix": "", "suggestion": "1", "outcome": "accepted"])
            .appending("\n").write(to: dir.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        let problems = [
            #"{"task_id": "t/0", "prompt": "def add(a, b):\n", "canonical_solution": "    return a + b\n", "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n", "entry_point": "add"}"#,
            #"{"task_id": "t/1", "prompt": "def one():\n", "canonical_solution": "    return 1\n", "test": "def check(candidate):\n    assert candidate() == 1\n", "entry_point": "one"}"#,
        ]
        try (problems.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Skips the calling test when the bubblewrap sandbox cannot start here.
    static func requireSandbox() throws {
        guard let python = try? PythonInterpreter.locate(),
              (try? SandboxConfiguration(mode: .bwrap, python: python, limits: SandboxLimits()).probe()) != nil else {
            throw XCTSkip("bubblewrap cannot run here")
        }
    }
}
