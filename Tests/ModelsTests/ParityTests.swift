import Autograd
import FileFormats
import Foundation
@testable import Models
import XCTest

/// Checks codetune's model against `transformers`' `MistralForCausalLM`, llm.c style: the fixtures
/// (made by `Fixtures/make_fixture.py`) hold a tiny random model, a batch, and what PyTorch computed.
///
/// Tolerances (Float32 throughout on both sides; errors come from summation order only):
/// - logits: max |Δ| ≤ 1e-4 (logits are O(1..10))
/// - loss: |Δ| ≤ 1e-5
/// - every gradient: max |Δ| ≤ 1e-4 · max |expected| of that tensor (+ 1e-7)
/// - loss after each of 5 AdamW steps: |Δ| ≤ 2e-4; pre-clip gradient norm: relative 1e-4
/// A wrong RoPE layout (interleaved pairs instead of rotate_half) or a wrong GQA head mapping moves
/// logits by O(0.1..1), three orders of magnitude above these (see `testWrongRoPELayoutIsCaught`).
final class ParityTests: XCTestCase {
    static let logitTolerance: Float = 1e-4
    static let lossTolerance: Float = 1e-5
    static let gradientRelativeTolerance: Float = 1e-4
    static let adamLossTolerance: Float = 2e-4
    static let gradNormRelativeTolerance: Float = 1e-4

    // The hyper-parameters make_fixture.py used.
    static let lr = 1e-2, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, weightDecay = 0.1
    static let clip: Float = 1.0

    struct Fixture {
        let model: MistralModel
        let expected: SafeTensorsFile
        let ids: [Int32]
        let targets: [Int32]
        let batch: Int
        let length: Int
    }

    static func fixtureDirectory(_ name: String) throws -> URL {
        let root = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent(name)
    }

    static func loadFixture(_ name: String) throws -> Fixture {
        let dir = try fixtureDirectory(name)
        let model = try MistralModel.load(checkpoint: dir)
        let expected = try SafeTensorsFile(contentsOf: dir.appendingPathComponent("expected.safetensors"))
        let shape = try expected.entry("input_ids").shape
        let ids = try expected.integers("input_ids").map { Int32($0) }
        let targets = try expected.integers("targets").map { Int32($0) }
        return Fixture(model: model, expected: expected, ids: ids, targets: targets, batch: shape[0], length: shape[1])
    }

    static func maxAbsDiff(_ a: UnsafeBufferPointer<Float>, _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        var worst: Float = 0
        for i in 0..<b.count { worst = max(worst, abs(a[i] - b[i])) }
        return worst
    }

    func testLogitsLossAndGradientsMatchTransformers() throws {
        for name in ["mistral_tiny", "mistral_tiny_window"] {
            let f = try Self.loadFixture(name)
            let tape = Tape()
            let logits = f.model.logits(tape, ids: f.ids, batch: f.batch, length: f.length)
            let expectedLogits = try f.expected.floats("logits", shape: logits.shape)
            let logitErr = Self.maxAbsDiff(UnsafeBufferPointer(start: logits.data, count: logits.count), expectedLogits)
            tape.reset()

            let loss = f.model.loss(tape, ids: f.ids, targets: f.targets, batch: f.batch, length: f.length)
            let lossErr = abs(loss.item - (try f.expected.floats("loss"))[0])
            tape.backward(loss)
            var worstGrad: (name: String, relative: Float) = ("", 0)
            for (spec, p) in zip(f.model.parameterSpecs, f.model.parameters) {
                let expected = try f.expected.floats("grad." + spec.name, shape: spec.shape)
                let scale = expected.reduce(Float(0)) { max($0, abs($1)) }
                let err = Self.maxAbsDiff(UnsafeBufferPointer(start: p.grad!, count: p.count), expected)
                let relative = err / (scale + 1e-7 / Self.gradientRelativeTolerance)
                XCTAssertLessThanOrEqual(relative, Self.gradientRelativeTolerance, "\(name) grad \(spec.name): max |Δ| \(err), max |g| \(scale)")
                if relative > worstGrad.relative { worstGrad = (spec.name, relative) }
            }
            tape.reset()
            print("parity \(name): logits max |Δ| \(logitErr), loss |Δ| \(lossErr), worst gradient max|Δ|/max|g| \(worstGrad.relative) (\(worstGrad.name))")
            XCTAssertLessThanOrEqual(logitErr, Self.logitTolerance, "\(name) logits")
            XCTAssertLessThanOrEqual(lossErr, Self.lossTolerance, "\(name) loss")
        }
    }

    func testFiveAdamWStepsMatchTorch() throws {
        for name in ["mistral_tiny", "mistral_tiny_window"] {
            let f = try Self.loadFixture(name)
            let expectedLosses = try f.expected.floats("adamw_losses")
            let expectedNorms = try f.expected.floats("adamw_grad_norms")
            XCTAssertEqual(expectedLosses.count, 5)
            let optimizer = AdamW(parameters: f.model.parameters, decay: f.model.decayFlags, learningRate: Self.lr,
                                  beta1: Self.beta1, beta2: Self.beta2, eps: Self.eps, weightDecay: Self.weightDecay)
            let tape = Tape()
            var worstLoss: Float = 0, worstNorm: Float = 0
            for step in 0..<5 {
                optimizer.zeroGrad()
                let loss = f.model.loss(tape, ids: f.ids, targets: f.targets, batch: f.batch, length: f.length)
                tape.backward(loss)
                let norm = clipGradientNorm(f.model.parameters, maxNorm: Self.clip)
                optimizer.step()
                tape.reset()
                let after = f.model.loss(tape, ids: f.ids, targets: f.targets, batch: f.batch, length: f.length).item
                tape.reset()
                let lossErr = abs(after - expectedLosses[step])
                let normErr = abs(norm - expectedNorms[step]) / expectedNorms[step]
                worstLoss = max(worstLoss, lossErr)
                worstNorm = max(worstNorm, normErr)
                XCTAssertLessThanOrEqual(lossErr, Self.adamLossTolerance, "\(name) step \(step + 1): loss \(after) vs \(expectedLosses[step])")
                XCTAssertLessThanOrEqual(normErr, Self.gradNormRelativeTolerance, "\(name) step \(step + 1): grad norm \(norm) vs \(expectedNorms[step])")
            }
            print("parity \(name): AdamW 5-step loss max |Δ| \(worstLoss), grad-norm max relative Δ \(worstNorm)")
        }
    }

    /// The tolerances above must be able to fail: permuting each head's RoPE halves into interleaved pairs
    /// (the other common layout) through the q/k weights changes the logits far beyond `logitTolerance`,
    /// and so does mapping query heads to the wrong kv head.
    func testWrongRoPELayoutIsCaught() throws {
        let f = try Self.loadFixture("mistral_tiny")
        let config = f.model.config
        let d = config.headDim, half = d / 2
        // Row r of q/k within a head goes to row perm[r]: rotate_half pairs (i, i + d/2) become (2i, 2i + 1).
        var perm = [Int](repeating: 0, count: d)
        for i in 0..<half { perm[i] = 2 * i; perm[i + half] = 2 * i + 1 }
        let interleaved = permutedModel(f.model) { spec, values in
            guard spec.name.hasSuffix("q_proj.weight") || spec.name.hasSuffix("k_proj.weight") else { return values }
            var out = values
            let cols = spec.shape[1]
            for head in 0..<(spec.shape[0] / d) {
                for r in 0..<d {
                    let src = (head * d + r) * cols, dst = (head * d + perm[r]) * cols
                    for c in 0..<cols { out[dst + c] = values[src + c] }
                }
            }
            return out
        }
        // The same permutation applied to q and k is a relabelling of the dot-product terms: with RoPE off
        // it would change nothing, so any difference below comes from the rotation layout alone.
        let ropeGap = try logitGap(interleaved, f)
        XCTAssertGreaterThan(ropeGap, 100 * Self.logitTolerance, "an interleaved RoPE layout went unnoticed")

        // Wrong GQA mapping: swap the two kv heads of every layer's k/v projections (query head h would read
        // kv head h % kvHeads instead of h / (heads / kvHeads)).
        let swappedKV = permutedModel(f.model) { spec, values in
            guard spec.name.hasSuffix("k_proj.weight") || spec.name.hasSuffix("v_proj.weight") else { return values }
            let block = d * spec.shape[1]
            return Array(values[block..<(2 * block)] + values[0..<block])
        }
        let gqaGap = try logitGap(swappedKV, f)
        XCTAssertGreaterThan(gqaGap, 100 * Self.logitTolerance, "a wrong kv-head mapping went unnoticed")
        print("parity mistral_tiny: interleaved RoPE moves logits by \(ropeGap), swapped kv heads by \(gqaGap)")
    }

    private func permutedModel(_ model: MistralModel, _ change: (ParameterSpec, [Float]) -> [Float]) -> MistralModel {
        let weights = zip(model.parameterSpecs, model.parameters).map { change($0, $1.scalars) }
        return MistralModel(config: model.config, weights: weights)
    }

    private func logitGap(_ model: MistralModel, _ f: Fixture) throws -> Float {
        let tape = Tape(recording: false)
        let logits = model.logits(tape, ids: f.ids, batch: f.batch, length: f.length)
        return Self.maxAbsDiff(UnsafeBufferPointer(start: logits.data, count: logits.count), try f.expected.floats("logits"))
    }
}
