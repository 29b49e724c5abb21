// The tape itself: inference mode, accumulation, memory reuse, determinism; and initialisation from a seeded generator.

import SeededRandom
import XCTest
@testable import Autograd

final class TapeTests: XCTestCase {
    func testInferenceModeRecordsNothing() {
        let w = randomTensor([4, 3], seed: 60)
        let x = randomTensor([2, 3], seed: 61, requiresGrad: false)
        let tape = Tape.inference()
        let y = tape.linear(x, w)
        XCTAssertFalse(y.requiresGrad)
        XCTAssertEqual(tape.recordedSteps, 0)
        let recording = Tape()
        let y2 = recording.linear(x, w)
        XCTAssertTrue(y2.requiresGrad)
        XCTAssertEqual(recording.recordedSteps, 1)
        XCTAssertEqual(y.scalars, y2.scalars)
    }

    func testNoRecordingWithoutGradInputs() {
        let x = randomTensor([2, 3], seed: 62, requiresGrad: false)
        let tape = Tape()
        _ = tape.silu(x)
        XCTAssertEqual(tape.recordedSteps, 0)
    }

    func testParameterGradientsAccumulateUntilZeroed() {
        let w = randomTensor([3], seed: 63)
        for pass in 1...2 {
            let tape = Tape()
            tape.backward(tape.sum(tape.scale(w, by: 2)))
            XCTAssertEqual(w.gradScalars!, [Float](repeating: 2 * Float(pass), count: 3))
        }
        w.zeroGrad()
        XCTAssertEqual(w.gradScalars!, [0, 0, 0])
    }

    func testSharedInputGetsBothContributions() {
        // y = x ∘ x + x → dy/dx = 2x + 1
        let x = randomTensor([5], seed: 64)
        let tape = Tape()
        tape.backward(tape.sum(tape.add(tape.multiply(x, x), x)))
        assertClose(x.gradScalars!, x.scalars.map { 2 * $0 + 1 }, tolerance: 1e-6)
    }

    /// A small decoder step built from the ops; returns the loss and all gradients.
    private func miniStep(_ tape: Tape, _ p: MiniParams) -> (Float, [[Float]]) {
        let (b, t) = (2, 70)
        var ids = [Int32](), labels = [Int32]()
        var rng = SeededGenerator(seed: 5)
        for i in 0..<(b * t) {
            ids.append(Int32(rng.next() % 50))
            labels.append(i % 7 == 0 ? -100 : Int32(rng.next() % 50))
        }
        for q in p.all { q.zeroGrad() }
        var x = tape.embedding(p.emb, ids: ids, batchShape: [b, t])
        let h = tape.rmsNorm(x, weight: p.norm, eps: 1e-5)
        let q = tape.rotaryEmbedding(tape.linear(h, p.wq), headDim: 8, theta: 10000)
        let k = tape.rotaryEmbedding(tape.linear(h, p.wk), headDim: 8, theta: 10000)
        let v = tape.linear(h, p.wv)
        let a = tape.attention(query: q, key: k, value: v, heads: 4, kvHeads: 2, slidingWindow: 48)
        x = tape.add(x, tape.linear(a, p.wo))
        let m = tape.swiglu(gate: tape.linear(x, p.wg), up: tape.linear(x, p.wu))
        x = tape.add(x, tape.linear(m, p.wd))
        let logits = tape.linear(tape.rmsNorm(x, weight: p.norm, eps: 1e-5), p.emb)
        let loss = tape.crossEntropy(logits: logits, targets: labels)
        tape.backward(loss)
        let value = loss.item
        let grads = p.all.map { $0.gradScalars! }
        tape.reset()
        return (value, grads)
    }

    private struct MiniParams {
        let emb = randomTensor([50, 32], std: 0.1, seed: 70), norm = Tensor(zeros: [32], requiresGrad: true)
        let wq = randomTensor([32, 32], std: 0.1, seed: 71), wk = randomTensor([16, 32], std: 0.1, seed: 72)
        let wv = randomTensor([16, 32], std: 0.1, seed: 73), wo = randomTensor([32, 32], std: 0.1, seed: 74)
        let wg = randomTensor([64, 32], std: 0.1, seed: 75), wu = randomTensor([64, 32], std: 0.1, seed: 76)
        let wd = randomTensor([32, 64], std: 0.1, seed: 77)
        var all: [Tensor] { [emb, norm, wq, wk, wv, wo, wg, wu, wd] }
        init() { norm.fill(1) }
    }

    func testStepsAreBitIdenticalAndReuseMemory() {
        let p = MiniParams()
        let tape = Tape()
        let (l1, g1) = miniStep(tape, p)
        let (l2, g2) = miniStep(tape, p)
        let bytesAfterSecond = tape.arenaBytes
        let (l3, g3) = miniStep(tape, p)
        XCTAssertEqual(l1, l2)
        XCTAssertEqual(l1, l3)
        XCTAssertEqual(g1, g2, "gradients bit-identical across repeated steps")
        XCTAssertEqual(g1, g3)
        XCTAssertEqual(tape.arenaBytes, bytesAfterSecond, "a steady-state step reserves no new arena memory")
        XCTAssertTrue(l1.isFinite && l1 > 0)
    }

    func testTrainingLowersTheLoss() {
        let p = MiniParams()
        let tape = Tape()
        let opt = AdamW(parameters: p.all, decay: [false, false, true, true, true, true, true, true, true],
                        learningRate: 1e-2, weightDecay: 0.1)
        let (first, _) = miniStep(tape, p)
        for _ in 0..<15 {
            _ = miniStep(tape, p)   // computes gradients of the current parameters
            clipGradientNorm(p.all, maxNorm: 1)
            opt.step()
        }
        let (last, _) = miniStep(tape, p)
        XCTAssertLessThan(last, first * 0.8, "loss \(first) → \(last)")
    }
}

/// `fillNormal` draws N(mean, std²) from a `SeededGenerator`.
final class InitializationTests: XCTestCase {
    func testNormalMoments() {
        var g = SeededGenerator(seed: 7)
        let t = Tensor(zeros: [20000])
        t.fillNormal(std: 0.02, using: &g)
        let xs = t.scalars.map(Double.init)
        let mean = xs.reduce(0, +) / Double(xs.count)
        let std = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.001)
        XCTAssertEqual(std, 0.02, accuracy: 0.0005)
        var u = SeededGenerator(seed: 8)
        for _ in 0..<1000 { let f = u.nextFloat(); XCTAssertTrue(f >= 0 && f < 1) }
    }
}

final class ThreadingTests: XCTestCase {
    /// Attention splits work by (batch, kv head), so its output does not depend on the worker count; and a
    /// repeated call with concurrent single-threaded sgemm calls gives the same bits every time.
    func testAttentionIndependentOfWorkerCountAndRepeatable() {
        let q = randomTensor([2, 96, 64], seed: 100, requiresGrad: false)
        let k = randomTensor([2, 96, 32], seed: 101, requiresGrad: false)
        let v = randomTensor([2, 96, 32], seed: 102, requiresGrad: false)
        let saved = Parallel.workers
        defer { Parallel.setThreads(saved) }
        Parallel.setThreads(1)
        let one = Tape.inference().attention(query: q, key: k, value: v, heads: 4, kvHeads: 2, slidingWindow: 50).scalars
        Parallel.setThreads(2)
        for _ in 0..<5 {
            let two = Tape.inference().attention(query: q, key: k, value: v, heads: 4, kvHeads: 2, slidingWindow: 50).scalars
            XCTAssertEqual(one, two)
        }
    }

    func testSgemmPeakIsPositive() {
        XCTAssertGreaterThan(Parallel.sgemmPeakFLOPS(size: 128, repeats: 2), 1e8)
    }
}
