import Exercises
import FileFormats
import Foundation
import Telemetry
import Tokenizer
import Training
import XCTest

/// A completion stage on a pretrained model's tokenizer, shaped as SmolLM2's (`<|endoftext|>`, `<|im_start|>`,
/// `<|im_end|>`; no `<|pad|>`, no FIM tokens): a problems file trains (rows padded with `<|endoftext|>`), and
/// telemetry with fill-in-the-middle events is refused in one line naming the event and the tokenizer.
final class PretrainedTokenizerCompletionDataTests: XCTestCase {
    var dir: URL!
    var tokenizer: URL { dir.appendingPathComponent("tokenizer.json") }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pretrained-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let composer = ProblemComposer()
        let problems = (0..<60).compactMap { composer.problem(seed: 7, index: $0) }
        try ExerciseGeneration.write(problems, to: dir.appendingPathComponent("exercises.jsonl"))
        try BPETokenizer.train(documents: problems.map { $0.prompt + $0.canonical_solution }, vocabSize: 400,
                               specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], threads: 1)
            .write(to: tokenizer)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func testProblemsFileTrainsOnATokenizerWithoutPadOrFIM() throws {
        var data = try CompletionData(events: dir.appendingPathComponent("exercises.jsonl"), tokenizer: tokenizer, context: 512,
                                      batchSize: 4, seed: 1, maxValidationBatches: 2)
        let end = try XCTUnwrap(BPETokenizer(contentsOf: tokenizer).id(ofSpecial: BPETokenizer.endOfText))
        let batch = data.nextBatch()
        XCTAssertEqual(batch.rows, 4)
        let w = batch.columns  // the batch is cut to its longest row
        XCTAssertLessThanOrEqual(w, 512)
        var padded = 0
        for row in 0..<batch.rows {
            let ids = Array(batch.inputs[(row * w)..<((row + 1) * w)]), labels = Array(batch.targets[(row * w)..<((row + 1) * w)])
            let lastLabel = try XCTUnwrap(labels.lastIndex { $0 != CompletionExamples.ignoreLabel })
            XCTAssertEqual(labels[lastLabel], end, "each target ends with <|endoftext|>")
            XCTAssertTrue(ids[(lastLabel + 1)...].allSatisfy { $0 == end }, "right padding is <|endoftext|>")
            padded += w - 1 - lastLabel
        }
        XCTAssertGreaterThan(padded, 0, "some row is padded")
        XCTAssertGreaterThan(data.validationBatchCount, 0)
    }

    func testFillInTheMiddleEventsAreRefused() throws {
        let telemetry = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Datasets/telemetry-sample.jsonl").standardizedFileURL
        XCTAssertThrowsError(try CompletionData(events: telemetry, tokenizer: tokenizer, context: 128, batchSize: 4, seed: 1,
                                                maxValidationBatches: 1)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("has a suffix (fill-in-the-middle)") && text.contains("tokenizer.json"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
    }
}
