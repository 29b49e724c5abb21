import Autograd
import FileFormats
import Foundation
@testable import Models
import SeededRandom
import XCTest

/// `exportCheckpoint` (behind `codetune export`): the directory it writes loads back whole, and bad
/// sources or destinations are refused with one line.
///
/// The round trip through `transformers` is checked by `Fixtures/check_export.py`. To make its inputs,
/// set `CODETUNE_EXPORT_CHECK_DIR=DIR` and run this test: it writes `DIR/checkpoint` (a seeded codetune
/// model) and `DIR/codetune_logits.safetensors` (input ids and codetune's logits for them); then
///     codetune export --model DIR/checkpoint --out DIR/hf
///     /work/pyenv/bin/python Tests/ModelsTests/Fixtures/check_export.py DIR/hf DIR/codetune_logits.safetensors
final class ExportTests: XCTestCase {
    func testExportWritesALoadableHuggingFaceDirectory() throws {
        let base: URL
        if let dir = ProcessInfo.processInfo.environment["CODETUNE_EXPORT_CHECK_DIR"] {
            base = URL(fileURLWithPath: dir)
        } else {
            base = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-export-\(UUID().uuidString)")
        }
        defer { if ProcessInfo.processInfo.environment["CODETUNE_EXPORT_CHECK_DIR"] == nil { try? FileManager.default.removeItem(at: base) } }
        let config = MistralConfig(vocabSize: 64, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 32,
                                   slidingWindow: 5, bosTokenId: 1, eosTokenId: 2)
        var rng = SeededGenerator(seed: 99)
        let model = MistralModel(config: config, generator: &rng)
        // Larger than init scale, so a layout mistake anywhere shows in the logits.
        for p in model.parameters where p.rank == 2 { for i in 0..<p.count { p.data[i] *= 8 } }
        let checkpoint = base.appendingPathComponent("checkpoint")
        let tokenizerJSON = Data(#"{"version": "1.0", "model": {"type": "BPE"}}"#.utf8)
        try model.save(to: checkpoint) { try tokenizerJSON.write(to: $0.appendingPathComponent("tokenizer.json")) }
        let (batch, length) = (2, 12)
        let ids = (0..<(batch * length)).map { _ in Int32(rng.next() % 64) }
        let tape = Tape(recording: false)
        let logits = model.logits(tape, ids: ids, batch: batch, length: length)
        let idsAsFloat = ids.map(Float.init)
        try idsAsFloat.withUnsafeBufferPointer { pi in
            try SafeTensorsWriter.write([
                .init(name: "input_ids", shape: [batch, length], values: pi),
                .init(name: "logits", shape: logits.shape, values: UnsafeBufferPointer(start: logits.data, count: logits.count)),
            ], to: base.appendingPathComponent("codetune_logits.safetensors"))
        }

        let out = base.appendingPathComponent("hf")
        let summary = try exportCheckpoint(from: checkpoint, to: out)
        XCTAssertEqual(summary.files, ["config.json", "model.safetensors", "tokenizer.json"])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)), Set(summary.files))
        let loaded = try MistralModel.load(checkpoint: out)
        let again = loaded.logits(tape, ids: ids, batch: batch, length: length)
        XCTAssertEqual(again.scalars, Array(UnsafeBufferPointer(start: logits.data, count: logits.count)))
        // Exporting again over an earlier export is fine.
        XCTAssertNoThrow(try exportCheckpoint(from: checkpoint, to: out))

        // Refusals: not a checkpoint, a destination holding other files, a broken tokenizer.json.
        XCTAssertThrowsError(try exportCheckpoint(from: base, to: out)) { XCTAssertTrue("\($0)".contains("config.json"), "\($0)") }
        XCTAssertThrowsError(try exportCheckpoint(from: checkpoint, to: base)) { XCTAssertTrue("\($0)".contains("not an export"), "\($0)") }
        try Data("not json".utf8).write(to: checkpoint.appendingPathComponent("tokenizer.json"))
        XCTAssertThrowsError(try exportCheckpoint(from: checkpoint, to: out)) { XCTAssertTrue("\($0)".contains("tokenizer.json: not a JSON object"), "\($0)") }
        XCTAssertNoThrow(try MistralModel.load(checkpoint: out), "a refused export leaves the earlier one whole")
        try tokenizerJSON.write(to: checkpoint.appendingPathComponent("tokenizer.json"))
    }
}
