import Autograd
import FileFormats
import Foundation
@testable import Models
import SeededRandom
import XCTest

/// LoRA against PEFT (`Fixtures/lora_tiny`, made by `Fixtures/make_lora_fixture.py`): a tiny random
/// Mistral/Llama base with PEFT's adapters (r 4, alpha 8, all seven projections, random B) — logits, loss and
/// the gradient of every lora_A / lora_B within Float32 tolerance, no gradient on the base; then codetune's
/// own paths over the same model: the KV-cache decoder, merging, quantized bases, adapter checkpoints and
/// both exports.
///
/// Tolerances as `ParityTests`: logits max |Δ| ≤ 1e-4, loss ≤ 1e-5, each gradient max |Δ| ≤ 1e-4 · max |g|.
///
/// The round trip through Python (`Fixtures/check_lora_export.py`: the merged export in `transformers`, the
/// adapter export in `peft.PeftModel.from_pretrained` on the base) needs codetune's files: set
/// `CODETUNE_LORA_EXPORT_CHECK_DIR=DIR` and run `testExportsReproduceTheAdaptedModel`; it leaves
/// `DIR/merged`, `DIR/adapter`, `DIR/base` and `DIR/codetune_logits.safetensors` there.
final class LoRAParityTests: XCTestCase {
    static let fixture = "lora_tiny"

    struct Fixture {
        let directory: URL
        let model: MistralModel
        let expected: SafeTensorsFile
        let ids: [Int32]
        let targets: [Int32]
        let batch: Int
        let length: Int
    }

    static func loadFixture(precision: BasePrecision = .fp32, base: URL? = nil) throws -> Fixture {
        let dir = try ParityTests.fixtureDirectory(fixture)
        let settings = try LoRACheckpoint.readSettings(dir, basePrecision: precision)
        var rng = SeededGenerator(seed: 1)
        let model = try MistralModel.loadLoRA(base: base ?? dir, settings: settings, generator: &rng)
        try model.readAdapters(from: dir.appendingPathComponent(LoRACheckpoint.adapterWeightsFile))
        let expected = try SafeTensorsFile(contentsOf: dir.appendingPathComponent("expected.safetensors"))
        let shape = try expected.entry("input_ids").shape
        return Fixture(directory: dir, model: model, expected: expected,
                       ids: try expected.integers("input_ids").map { Int32($0) },
                       targets: try expected.integers("targets").map { Int32($0) }, batch: shape[0], length: shape[1])
    }

    static func logits(_ model: MistralModel, _ f: Fixture) -> [Float] {
        model.logits(Tape(recording: false), ids: f.ids, batch: f.batch, length: f.length).scalars
    }

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
    }

    func testForwardAndAdapterGradientsMatchPEFT() throws {
        let f = try Self.loadFixture()
        XCTAssertEqual(f.model.adapters.count, 2 * 7)
        XCTAssertEqual(f.model.trainableParameters.count, 28)
        let tape = Tape()
        let logits = f.model.logits(tape, ids: f.ids, batch: f.batch, length: f.length)
        let logitErr = Self.maxAbsDiff(logits.scalars, try f.expected.floats("logits", shape: logits.shape))
        tape.reset()
        let loss = f.model.loss(tape, ids: f.ids, targets: f.targets, batch: f.batch, length: f.length)
        let lossErr = abs(loss.item - (try f.expected.floats("loss"))[0])
        tape.backward(loss)
        var worst: (name: String, relative: Float) = ("", 0)
        for (name, p) in zip(f.model.trainableNames, f.model.trainableParameters) {
            let expected = try f.expected.floats("grad." + name, shape: p.shape)
            let scale = expected.reduce(Float(0)) { max($0, abs($1)) }
            XCTAssertGreaterThan(scale, 0, "\(name): PEFT's gradient is zero, the fixture tests nothing")
            let relative = Self.maxAbsDiff(try XCTUnwrap(p.gradScalars), expected) / (scale + 1e-3)
            XCTAssertLessThanOrEqual(relative, 1e-4, "grad \(name)")
            if relative > worst.relative { worst = (name, relative) }
        }
        for (spec, p) in zip(f.model.parameterSpecs, f.model.parameters) {
            XCTAssertFalse(p.requiresGrad, "\(spec.name) must be frozen")
            XCTAssertNil(p.grad, "\(spec.name) must get no gradient")
        }
        print("lora parity: logits max |Δ| \(logitErr), loss |Δ| \(lossErr), worst gradient max|Δ|/max|g| \(worst.relative) (\(worst.name))")
        XCTAssertLessThanOrEqual(logitErr, 1e-4)
        XCTAssertLessThanOrEqual(lossErr, 1e-5)
    }

    /// The decoder (`Projection.apply`, KV cache) and the merged model compute what the taped LoRA forward does,
    /// over an fp32 and a q4 base.
    func testDecoderAndMergedModelMatchTheTapedForward() throws {
        for precision in [BasePrecision.fp32, .q4] {
            let f = try Self.loadFixture(precision: precision)
            let taped = Self.logits(f.model, f)
            let merged = Self.logits(f.model.merged(), f)
            XCTAssertLessThanOrEqual(Self.maxAbsDiff(taped, merged), 1e-4, "\(precision) merged")
            let cache = KVCache(config: f.model.config, batch: f.batch, capacity: f.length)
            let decoded = Array(try f.model.advance(cache, ids: f.ids, length: f.length))
            let v = f.model.config.vocabSize
            var last: [Float] = []
            for b in 0..<f.batch { last += taped[((b * f.length) + f.length - 1) * v ..< ((b * f.length) + f.length) * v] }
            XCTAssertLessThanOrEqual(Self.maxAbsDiff(decoded, last), 1e-4, "\(precision) KV-cache decoder")
        }
    }

    /// A quantized base stays close to the Float32 one (the error of the blocks only), trains (adapter
    /// gradients flow, the base gets none) and holds its projections in 5 (q4) or 8.5 (q8) bits.
    func testQuantizedBaseTracksFloat32Base() throws {
        let reference = try Self.loadFixture()
        let exact = Self.logits(reference.model, reference)
        let scale = exact.reduce(Float(0)) { max($0, abs($1)) }
        for (precision, bound) in [(BasePrecision.q8, Float(0.05)), (.q4, Float(0.5))] {   // one 32-wide block per row: coarse
            let f = try Self.loadFixture(precision: precision)
            let gap = Self.maxAbsDiff(Self.logits(f.model, f), exact)
            print("lora \(precision) base: logits max |Δ| vs fp32 base \(gap) (max |logit| \(scale))")
            XCTAssertLessThanOrEqual(gap, bound * scale, "\(precision)")
            XCTAssertGreaterThan(gap, 0, "\(precision): the base was not quantized")
            let tape = Tape()
            tape.backward(f.model.loss(tape, ids: f.ids, targets: f.targets, batch: f.batch, length: f.length))
            XCTAssertTrue(f.model.trainableParameters.allSatisfy { ($0.gradScalars ?? []).contains { $0 != 0 } })
            XCTAssertEqual(f.model.quantizedBase.count, 14)
            let bytes = f.model.quantizedBase.values.reduce(0) { $0 + $1.byteCount }
            let floats = f.model.quantizedBase.values.reduce(0) { $0 + $1.rows * $1.columns }
            XCTAssertEqual(Double(bytes * 8) / Double(floats), precision == .q4 ? 5 : 8.5)
        }
    }

    /// An adapter checkpoint holds the adapters and the base's hash, loads back equal, and refuses a base
    /// whose weights changed.
    func testAdapterCheckpointRoundTripAndBaseHash() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-lora-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let base = work.appendingPathComponent("base")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let source = try ParityTests.fixtureDirectory(Self.fixture)
        for name in [Checkpoint.configFile, Checkpoint.weightsFile] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: base.appendingPathComponent(name))
        }
        let f = try Self.loadFixture(precision: .q4, base: base)
        let checkpoint = work.appendingPathComponent("step-3")
        try AtomicFile.writeDirectory(checkpoint) { try LoRACheckpoint.writeFiles(of: f.model, into: $0) }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: checkpoint.path)),
                       ["config.json", "adapter_config.json", "adapter_model.safetensors", "base_model.json"])
        let reference = try LoRACheckpoint.read(checkpoint).base
        XCTAssertEqual(reference.weightsSHA256, try SHA256Digest.hex(fileAt: base.appendingPathComponent(Checkpoint.weightsFile)))
        XCTAssertEqual(reference.precision, "q4")
        let loaded = try MistralModel.loadForTraining(checkpoint: checkpoint)
        XCTAssertEqual(loaded.lora, f.model.lora)
        XCTAssertEqual(Self.logits(loaded, f), Self.logits(f.model, f))
        XCTAssertNil(try MistralModel.load(checkpoint: checkpoint).lora, "plain load merges")
        XCTAssertEqual(Self.logits(try MistralModel.load(pretrained: checkpoint), f), Self.logits(f.model.merged(), f),
                       "sampling and evals (load(pretrained:)) get the merged model")

        // Change one byte of the base's weights: every load refuses, naming the reference.
        let weights = base.appendingPathComponent(Checkpoint.weightsFile)
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: weights)
        XCTAssertThrowsError(try MistralModel.loadForTraining(checkpoint: checkpoint)) {
            XCTAssertTrue("\($0)".contains("base_model.json") && "\($0)".contains("has changed"), "\($0)")
        }
    }

    func testExportsReproduceTheAdaptedModel() throws {
        let keep = ProcessInfo.processInfo.environment["CODETUNE_LORA_EXPORT_CHECK_DIR"]
        let work = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("codetune-lora-export-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: work) } }
        let base = work.appendingPathComponent("base")
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let source = try ParityTests.fixtureDirectory(Self.fixture)
        for name in [Checkpoint.configFile, Checkpoint.weightsFile] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: base.appendingPathComponent(name))
        }
        let f = try Self.loadFixture(base: base)
        let checkpoint = work.appendingPathComponent("checkpoint")
        try AtomicFile.writeDirectory(checkpoint) { try LoRACheckpoint.writeFiles(of: f.model, into: $0) }
        let logits = Self.logits(f.model, f)
        try f.ids.map(Float.init).withUnsafeBufferPointer { ids in
            try logits.withUnsafeBufferPointer { l in
                try SafeTensorsWriter.write([.init(name: "input_ids", shape: [f.batch, f.length], values: ids),
                                             .init(name: "logits", shape: [f.batch, f.length, f.model.config.vocabSize], values: l)],
                                            to: work.appendingPathComponent("codetune_logits.safetensors"))
            }
        }

        let merged = try exportCheckpoint(from: checkpoint, to: work.appendingPathComponent("merged"))
        XCTAssertEqual(merged.files, ["config.json", "model.safetensors"])
        let reloaded = try MistralModel.load(checkpoint: merged.directory)
        XCTAssertNil(reloaded.lora)
        XCTAssertLessThanOrEqual(Self.maxAbsDiff(Self.logits(reloaded, f), logits), 1e-4)

        let adapter = try exportAdapter(from: checkpoint, to: work.appendingPathComponent("adapter"))
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: adapter.directory.path)),
                       ["adapter_config.json", "adapter_model.safetensors"])
        let settings = try LoRACheckpoint.readSettings(adapter.directory, basePrecision: .fp32)
        XCTAssertEqual(settings, f.model.lora)
        var rng = SeededGenerator(seed: 2)
        let again = try MistralModel.loadLoRA(base: base, settings: settings, generator: &rng)
        try again.readAdapters(from: adapter.directory.appendingPathComponent(LoRACheckpoint.adapterWeightsFile))
        XCTAssertEqual(Self.logits(again, f), logits)
        XCTAssertThrowsError(try exportAdapter(from: base, to: work.appendingPathComponent("x"))) {
            XCTAssertTrue("\($0)".contains("not an adapter checkpoint"), "\($0)")
        }
    }

    /// A GGUF file as the base: fresh adapters (B zero) leave the loaded model's logits unchanged, and an
    /// adapter checkpoint over it references the file by hash and loads back equal.
    func testGGUFFileAsBase() throws {
        let gguf = try ParityTests.fixtureDirectory("llama_tiny_gguf").appendingPathComponent("model.gguf")
        var rng = SeededGenerator(seed: 3)
        let lora = try MistralModel.loadLoRA(base: gguf, settings: LoRASettings(rank: 2, targets: [.qProj, .vProj]), generator: &rng)
        let plain = try MistralModel.load(pretrained: gguf)
        let ids: [Int32] = (0..<12).map { Int32($0 * 5 % plain.config.vocabSize) }
        let tape = Tape(recording: false)
        let expected = plain.logits(tape, ids: ids, batch: 1, length: 12).scalars
        XCTAssertEqual(lora.logits(tape, ids: ids, batch: 1, length: 12).scalars, expected)
        for adapter in lora.adapters { adapter.b.fill(0.1) }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-lora-gguf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        try AtomicFile.writeDirectory(work) { try LoRACheckpoint.writeFiles(of: lora, into: $0) }
        XCTAssertEqual(try LoRACheckpoint.read(work).base.weightsSHA256, try SHA256Digest.hex(fileAt: gguf))
        let again = try MistralModel.loadForTraining(checkpoint: work)
        let adapted = lora.logits(tape, ids: ids, batch: 1, length: 12).scalars
        XCTAssertNotEqual(adapted, expected)
        XCTAssertEqual(again.logits(tape, ids: ids, batch: 1, length: 12).scalars, adapted)
    }
}
