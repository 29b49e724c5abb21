// Finite-difference gradient checking shared by the op tests.

import SeededRandom
import XCTest
@testable import Autograd

/// Central-difference check of d(Σ out ∘ R)/d(input) for every element of every input.
///
/// `build` runs the op on a tape and returns its output. The analytic gradient comes from
/// `tape.backward(sum(out ∘ R))`; the numeric one from (L(x + h) − L(x − h)) / 2h with L = Σ out ∘ R
/// accumulated in Double from the Float32 outputs. Returns the worst error
/// |analytic − numeric| / (|numeric| + 1e-2) over all checked elements.
func gradientCheckError(inputs: [Tensor], step h: Float = 1e-2,
                        build: (Tape, [Tensor]) -> Tensor) -> Double {
    var rng = SeededGenerator(seed: 99)
    // Analytic.
    let tape = Tape()
    let out = build(tape, inputs)
    let r = Tensor(zeros: out.shape)
    r.fillNormal(std: 1, using: &rng)
    for t in inputs { t.zeroGrad() }
    let loss = tape.sum(tape.multiply(out, r))
    tape.backward(loss)
    let analytic = inputs.map { $0.gradScalars ?? [Float](repeating: 0, count: $0.count) }
    let weights = r.scalars
    tape.reset()

    func projected() -> Double {
        let inference = Tape.inference()
        let o = build(inference, inputs)
        var acc = 0.0
        for i in 0..<o.count { acc += Double(o.data[i]) * Double(weights[i]) }
        return acc
    }
    var worst = 0.0
    for (ti, t) in inputs.enumerated() where t.requiresGrad {
        for i in 0..<t.count {
            let saved = t.data[i]
            t.data[i] = saved + h
            let plus = projected()
            t.data[i] = saved - h
            let minus = projected()
            t.data[i] = saved
            let numeric = (plus - minus) / (2 * Double(h))
            let err = abs(Double(analytic[ti][i]) - numeric) / (abs(numeric) + 1e-2)
            worst = max(worst, err)
        }
    }
    return worst
}

/// A parameter-like tensor of N(0, std²) values.
func randomTensor(_ shape: [Int], std: Float = 1, seed: UInt64, requiresGrad: Bool = true) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    let t = Tensor(zeros: shape, requiresGrad: requiresGrad)
    t.fillNormal(std: std, using: &rng)
    return t
}

/// Records the worst gradient-check error per op so the suite can print a table.
enum GradientCheckLog {
    static func report(_ op: String, _ error: Double, file: StaticString = #filePath, line: UInt = #line) {
        print("gradient check \(op): worst relative error \(String(format: "%.2e", error))")
    }
}

/// Asserts two float arrays agree within `tolerance` (absolute + relative to the larger magnitude).
func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "count " + message, file: file, line: line)
    var worst: Float = 0
    var at = 0
    for i in 0..<min(a.count, b.count) {
        let e = abs(a[i] - b[i]) / (1 + max(abs(a[i]), abs(b[i])))
        if e > worst { worst = e; at = i }
    }
    XCTAssertLessThanOrEqual(worst, tolerance, "worst error \(worst) at \(at): \(a[at]) vs \(b[at]) " + message,
                             file: file, line: line)
}
