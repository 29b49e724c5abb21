// AdamW and gradient clipping against torch (fixture made by Fixtures/make_adamw_fixture.py).

import XCTest
import Foundation
@testable import Autograd

final class OptimizerTests: XCTestCase {
    private struct Step: Decodable {
        let grad_w: [Float], grad_n: [Float], norm: Float, w: [Float], n: [Float]
    }
    private struct Hyper: Decodable {
        let lr: Double, beta1: Double, beta2: Double, eps: Double, weight_decay: Double, max_norm: Float
    }
    private struct Fixture: Decodable {
        let hyper: Hyper
        let w0: [Float], n0: [Float], steps: [Step]
        let exp_avg_w: [Float], exp_avg_sq_w: [Float], exp_avg_n: [Float], exp_avg_sq_n: [Float]
    }

    private func loadFixture() throws -> Fixture {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/adamw_reference", withExtension: "json"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// Five clipped AdamW steps (decay on w only) match torch to 1e-6 relative; the worst seen is printed.
    func testAdamWAndClippingMatchTorch() throws {
        let fx = try loadFixture()
        let w = Tensor(shape: [3, 4], scalars: fx.w0, requiresGrad: true)
        let n = Tensor(shape: [4], scalars: fx.n0, requiresGrad: true)
        let opt = AdamW(parameters: [w, n], decay: [true, false], learningRate: fx.hyper.lr, beta1: fx.hyper.beta1,
                        beta2: fx.hyper.beta2, eps: fx.hyper.eps, weightDecay: fx.hyper.weight_decay)
        var worst: Float = 0
        for (i, s) in fx.steps.enumerated() {
            opt.zeroGrad()
            for j in 0..<12 { w.grad![j] = s.grad_w[j] }
            for j in 0..<4 { n.grad![j] = s.grad_n[j] }
            let norm = clipGradientNorm([w, n], maxNorm: fx.hyper.max_norm)
            XCTAssertEqual(norm, s.norm, accuracy: 1e-6 * s.norm, "pre-clip norm, step \(i)")
            opt.step()
            for (got, want) in zip(w.scalars + n.scalars, s.w + s.n) {
                worst = max(worst, abs(got - want) / max(abs(want), 1e-3))
            }
            assertClose(w.scalars, s.w, tolerance: 1e-6, "w after step \(i)")
            assertClose(n.scalars, s.n, tolerance: 1e-6, "n after step \(i)")
        }
        print("AdamW vs torch: worst relative parameter error over 5 steps \(worst)")
        XCTAssertEqual(opt.stepCount, 5)
        assertClose(opt.firstMoments[0].scalars, fx.exp_avg_w, tolerance: 1e-6)
        assertClose(opt.secondMoments[0].scalars, fx.exp_avg_sq_w, tolerance: 1e-6)
        assertClose(opt.firstMoments[1].scalars, fx.exp_avg_n, tolerance: 1e-6)
        assertClose(opt.secondMoments[1].scalars, fx.exp_avg_sq_n, tolerance: 1e-6)
    }

    /// One step by hand: decoupled decay, then the bias-corrected Adam update.
    func testAdamWFirstStepByHand() {
        let p = Tensor(shape: [2], scalars: [1.0, -2.0], requiresGrad: true)
        p.grad![0] = 0.5
        p.grad![1] = -0.25
        let opt = AdamW(parameters: [p], decay: [true], learningRate: 0.1, beta1: 0.9, beta2: 0.999,
                        eps: 1e-8, weightDecay: 0.5)
        opt.step()
        // t=1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², update = lr · g / (|g| + eps) ≈ lr · sign(g).
        for (i, (x0, g)) in [(1.0, 0.5), (-2.0, -0.25)].enumerated() {
            let decayed = x0 * (1 - 0.1 * 0.5)
            let want = decayed - 0.1 * g / (abs(g) + 1e-8)
            XCTAssertEqual(Double(p.data[i]), want, accuracy: 1e-6)
        }
    }

    func testNoDecayFlagLeavesDecayOut() {
        let a = Tensor(shape: [1], scalars: [1], requiresGrad: true)
        let b = Tensor(shape: [1], scalars: [1], requiresGrad: true)
        let opt = AdamW(parameters: [a, b], decay: [true, false], learningRate: 0.1, weightDecay: 0.5)
        opt.step()   // zero gradients: only decay moves a parameter
        XCTAssertEqual(a.data[0], 0.95, accuracy: 1e-7)
        XCTAssertEqual(b.data[0], 1)
    }

    func testClipLeavesSmallGradientsAlone() {
        let p = Tensor(shape: [2], scalars: [0, 0], requiresGrad: true)
        p.grad![0] = 0.3
        p.grad![1] = 0.4
        XCTAssertEqual(clipGradientNorm([p], maxNorm: 1), 0.5, accuracy: 1e-7)
        XCTAssertEqual(p.gradScalars!, [0.3, 0.4])
        XCTAssertEqual(clipGradientNorm([p], maxNorm: 0.25), 0.5, accuracy: 1e-7)
        XCTAssertEqual(gradientNorm([p]), 0.25, accuracy: 1e-6)
    }
}
