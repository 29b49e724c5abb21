import Exercises
import FileFormats
import Foundation
import Telemetry
import Tokenizer
import Training
import XCTest

/// The curriculum end to end, small: generated exercises written as a problems file become completion
/// examples with the loss on the body only, and a run trains an exercises stage then a telemetry stage,
/// each from the previous weights.
final class CurriculumTrainingTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("curriculum-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let composer = ProblemComposer()
        let problems = (0..<240).compactMap { composer.problem(seed: 4, index: $0) }
        try ExerciseGeneration.write(problems, to: dir.appendingPathComponent("exercises.jsonl"))
        try BPETokenizer.train(documents: problems.map { $0.prompt + $0.canonical_solution }, vocabSize: 400, threads: 1)
            .write(to: dir.appendingPathComponent("tokenizer.json"))
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func testAProblemsFileGivesPromptToBodyExamples() throws {
        let url = dir.appendingPathComponent("exercises.jsonl")
        XCTAssertTrue(ProblemCompletionExamples.isProblemsFile(url))
        let telemetry = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Datasets/telemetry-sample.jsonl")
        XCTAssertFalse(ProblemCompletionExamples.isProblemsFile(telemetry))
        let bpe = try BPETokenizer(contentsOf: dir.appendingPathComponent("tokenizer.json"))
        let t = try CompletionTokenizer(bpe, source: "tokenizer.json")
        let set = try ProblemCompletionExamples.load(from: url, tokenizer: t)
        let problems = try JSONLines.decode(GeneratedProblem.self, from: url)
        XCTAssertEqual(set.examples.count, problems.count)
        for (e, p) in zip(set.examples, problems).prefix(20) {
            XCTAssertEqual(e.prefix, t.encode(p.prompt))
            XCTAssertEqual(e.target, t.encode(p.canonical_solution) + [t.endOfText])
            // The loss falls on the body and the end token only.
            let row = CompletionExamples.layout(e, contextLength: 512, tokenizer: t)
            XCTAssertEqual(row.labels.filter { $0 != CompletionExamples.ignoreLabel }, e.target)
        }
    }

    func testExercisesThenTelemetryTrainFromEachOthersWeights() throws {
        let telemetry = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Datasets/telemetry-sample.jsonl").standardizedFileURL
        let config = try RunConfig.parse("""
        name: curriculum
        seed: 5
        threads: 2
        tokenizer: tokenizer.json
        model: {vocab_size: 400, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1,
                max_position_embeddings: 256}
        stages:
          - {name: exercises, objective: completion, data: exercises.jsonl, steps: 20, batch_size: 8, context: 160, lr: 1e-2,
             warmup: 2, log_every: 5, val_batches: 2}
          - {name: telemetry, objective: completion, data: \(telemetry.path), steps: 4, batch_size: 4, context: 128,
             log_every: 2, val_batches: 1}
        """, file: dir.appendingPathComponent("run.yaml"))
        let session = try TrainingSession.start(config: config, runsDir: dir.appendingPathComponent("Runs"))
        var losses: [String: [Double]] = [:]
        let result = try session.run { progress in
            if case .trained(let r) = progress { losses[r.stage, default: []].append(r.loss) }
        }
        XCTAssertEqual(result.outcome, .completed)
        let ex = try XCTUnwrap(losses["exercises"])
        XCTAssertEqual(ex.count, 4)
        XCTAssertLessThan(ex.last!, ex.first! * 0.8, "the exercise bodies are learnt: \(ex)")
        XCTAssertEqual(losses["telemetry"]?.count, 2)
        XCTAssertTrue(losses.values.joined().allSatisfy(\.isFinite))
    }
}
