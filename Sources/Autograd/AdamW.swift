// AdamW: Adam with decoupled weight decay, step for step as torch.optim.AdamW (single-tensor path).

import Foundation

/// AdamW over a fixed list of parameters, matching `torch.optim.AdamW` (amsgrad off, not maximizing):
///
///     t += 1
///     p ← p · (1 − lr · wd)                        (only where `decay[i]` is true)
///     m ← m + (1 − β1) · (g − m)                    (torch's lerp)
///     v ← β2 · v + (1 − β2) · g · g
///     p ← p − lr / (1 − β1^t) · m / (sqrt(v) / sqrt(1 − β2^t) + eps)
///
/// The scalar factors are computed in Double (as Python floats) and applied in Float32.
///
/// Which parameters decay is the caller's choice, one flag per parameter. The codetune model decays only the
/// 2-D weight matrices of its linear layers (q/k/v/o, gate/up/down projections); it does **not** decay
/// RMSNorm weights or the embedding table (which is also the tied output head).
///
/// The moments are ordinary owned tensors (`firstMoments[i]`, `secondMoments[i]`, shaped like parameter i)
/// and `stepCount` is settable, so a checkpoint can save and restore the whole optimizer state.
public final class AdamW {
    public let parameters: [Tensor]
    /// Whether weight decay applies to `parameters[i]`.
    public let decay: [Bool]
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var weightDecay: Double
    /// Steps taken so far (t of the bias correction); set it when restoring a checkpoint.
    public var stepCount: Int = 0
    /// Exponential average of gradients (m), one per parameter, same shape.
    public let firstMoments: [Tensor]
    /// Exponential average of squared gradients (v), one per parameter, same shape.
    public let secondMoments: [Tensor]

    /// Defaults are PyTorch's (lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01).
    /// Every parameter must have a gradient buffer (`requiresGrad: true`).
    public init(parameters: [Tensor], decay: [Bool], learningRate: Double = 1e-3, beta1: Double = 0.9,
                beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0.01) {
        precondition(parameters.count == decay.count, "AdamW: \(parameters.count) parameters but \(decay.count) decay flags")
        precondition(parameters.allSatisfy { $0.requiresGrad && $0.grad != nil }, "AdamW: every parameter needs requiresGrad")
        self.parameters = parameters
        self.decay = decay
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.firstMoments = parameters.map { Tensor(zeros: $0.shape) }
        self.secondMoments = parameters.map { Tensor(zeros: $0.shape) }
    }

    /// One update of every parameter from its current gradient (gradients are left as they are).
    public func step() {
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = Float(learningRate / (1 - pow(beta1, t)))
        let bc2Sqrt = Float((1 - pow(beta2, t)).squareRoot())
        let decayFactor = Float(1 - learningRate * weightDecay)
        let w1 = Float(1 - beta1), b2 = Float(beta2), w2 = Float(1 - beta2), epsF = Float(eps)
        for (i, p) in parameters.enumerated() {
            let pd = p.data, g = p.grad!, m = firstMoments[i].data, v = secondMoments[i].data
            let decays = decay[i] && weightDecay != 0
            Parallel.forRanges(p.count, costPerItem: 8) { r in
                for j in r {
                    var x = pd[j]
                    if decays { x *= decayFactor }
                    let gj = g[j]
                    let mj = m[j] + w1 * (gj - m[j])
                    let vj = v[j] * b2 + w2 * gj * gj
                    m[j] = mj
                    v[j] = vj
                    let denom = vj.squareRoot() / bc2Sqrt + epsF
                    pd[j] = x + (-stepSize) * (mj / denom)
                }
            }
        }
    }

    /// Zeroes every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}
