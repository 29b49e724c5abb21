import Evaluation
import FileFormats
import Foundation
import Problems
import RunStore
import Sandbox
import XCTest

/// The evaluator's `summary.json`, as `evaluateCheckpoint` writes it at the end of a stage, is what
/// `runs list / compare` read pass@k from (scored here with the canonical solutions, so pass@1 = 1).
final class EvalSummaryFormatTests: XCTestCase {
    func testPassAtKIsReadFromTheEvaluatorsSummary() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let suiteURL = root.appendingPathComponent("Evals/basic-python.yaml")
        guard FileManager.default.fileExists(atPath: suiteURL.path) else { throw XCTSkip("Evals/basic-python.yaml not found") }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("eval-format-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var run = EvalRun(suite: try EvalSuite.load(suiteURL), origin: .canonicalSolutions)
        run.problemLimit = 3
        run.workers = 2
        run.outputDirectory = out
        do { _ = try run.run() } catch let e as SandboxError { throw XCTSkip("sandbox unavailable here: \(e)") }
        let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        XCTAssertEqual(EvalResult.passAtK(fromSummary: data)?["pass@1"], 1.0)
    }
}
