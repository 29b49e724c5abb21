// GradientClipping: global L2-norm clipping of gradients, as torch.nn.utils.clip_grad_norm_.

/// Scales all gradients by min(1, maxNorm / (‖g‖ + 1e-6)), ‖g‖ the L2 norm over every element of every
/// parameter's gradient, and returns ‖g‖ before clipping (like `torch.nn.utils.clip_grad_norm_`).
/// The norm is accumulated in Double in a fixed order (deterministic for a given thread count).
/// Parameters without a gradient are skipped.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    let norm = Float(gradientSumOfSquares(parameters).squareRoot())
    let coef = maxNorm / (norm + 1e-6)
    if coef < 1 {
        for p in parameters {
            guard let g = p.grad else { continue }
            Parallel.forRanges(p.count) { r in for j in r { g[j] *= coef } }
        }
    }
    return norm
}

/// The global L2 norm of all gradients (no clipping).
public func gradientNorm(_ parameters: [Tensor]) -> Float {
    Float(gradientSumOfSquares(parameters).squareRoot())
}

func gradientSumOfSquares(_ parameters: [Tensor]) -> Double {
    var total = 0.0
    var partial = [Double](repeating: 0, count: Parallel.workers)
    partial.withUnsafeMutableBufferPointer { part in
        let pp = part.baseAddress!
        for p in parameters {
            guard let g = p.grad else { continue }
            for c in 0..<part.count { pp[c] = 0 }
            Parallel.forChunks(p.count) { c, r in
                var acc = 0.0
                for j in r { let x = Double(g[j]); acc += x * x }
                pp[c] = acc
            }
            for c in 0..<part.count { total += pp[c] }
        }
    }
    return total
}
