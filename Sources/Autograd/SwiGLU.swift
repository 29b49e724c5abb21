// SwiGLU: the fused MLP product silu(gate) ∘ up.

import Foundation

extension Tape {
    /// silu(gate) ∘ up, fused (one pass, no intermediate tensors). `gate` and `up` have the same shape,
    /// e.g. [B, T, intermediate]; the result too.
    /// Backward: dgate += dy · up · σ(g)(1 + g(1 − σ(g))); dup += dy · silu(g).
    public func swiglu(gate: Tensor, up: Tensor) -> Tensor {
        precondition(gate.shape == up.shape, "swiglu: gate \(gate.shape) and up \(up.shape) differ")
        let out = makeTensor(gate.shape, requiresGrad: needsGrad(gate, up))
        let n = gate.count, pg = gate.data, pu = up.data, po = out.data
        Parallel.forRanges(n, costPerItem: 8) { r in
            for i in r { let g = pg[i]; po[i] = g / (1 + expf(-g)) * pu[i] }
        }
        guard out.requiresGrad else { return out }
        record { [unowned self] in
            guard let dy = out.grad else { return }
            let dg: UnsafeMutablePointer<Float>? = gate.requiresGrad ? self.gradient(of: gate) : nil
            let du: UnsafeMutablePointer<Float>? = up.requiresGrad ? self.gradient(of: up) : nil
            Parallel.forRanges(n, costPerItem: 8) { r in
                for i in r {
                    let g = pg[i], s = 1 / (1 + expf(-g)), d = dy[i]
                    if let dg { dg[i] += d * pu[i] * s * (1 + g * (1 - s)) }
                    if let du { du[i] += d * g * s }
                }
            }
        }
        return out
    }
}
