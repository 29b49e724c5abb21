import Evaluation
import FileFormats
import Foundation
import RunStore
import Training
import XCTest

/// The eval hook end to end with a stand-in sampler: completions are the problems' canonical
/// solutions, so every sample passes; the summary lands where `runs list / compare` read pass@k.
final class StageEvaluatorTests: XCTestCase {
    struct CanonicalSource: CompletionSource {
        let solutions: [String: String]
        func completions(for prompt: String, n: Int, settings: SamplingSettings, seed: UInt64) throws -> [String] {
            Array(repeating: solutions[prompt] ?? "", count: n)
        }
    }

    func testSummaryIsWrittenWherePassAtKIsRead() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let suiteURL = root.appendingPathComponent("Evals/basic-python.yaml")
        guard FileManager.default.fileExists(atPath: suiteURL.path) else { throw XCTSkip("Evals/basic-python.yaml not found") }
        let problems = try ProblemFile.load(root.appendingPathComponent("Evals/basic-python.jsonl"))
        let source = CanonicalSource(solutions: Dictionary(problems.map { ($0.prompt, $0.canonical_solution ?? "") }, uniquingKeysWith: { a, _ in a }))
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("stage-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        let output = run.appendingPathComponent("evals/basic-python/finetune")
        let evaluator = StageEvaluator(workers: 2) { _ in source }
        let summary: EvalSummary
        do {
            summary = try evaluator.evaluate(EvalConfig(suite: suiteURL, n: 2, limit: 3, stages: []), stage: "finetune",
                                             checkpoint: run, output: output)
        } catch let e as SandboxError {
            throw XCTSkip("sandbox unavailable here: \(e)")
        }
        XCTAssertEqual(summary.problems, 3)
        let data = try Data(contentsOf: output.appendingPathComponent("summary.json"))
        XCTAssertEqual(EvalResult.passAtK(fromSummary: data)?["pass@1"], 1.0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent(".drawn-samples.jsonl").path))
        XCTAssertEqual(try SampleFile.load(output.appendingPathComponent("samples.jsonl")).count, 6)
    }
}
