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
        Parallel.forRanges((n + 7) / 8, costPerItem: 64) { r in
            for c in r {
                let i = c * 8, m = min(8, n - i), g = load8(pg + i, m)
                store8(g * sigmoid8(g) * load8(pu + i, m), po + i, m)
            }
        }
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let (dgBuffer, dgOverwrite) = gate.requiresGrad ? self.gradientForWrite(of: gate) : (nil, false)
            let (duBuffer, duOverwrite) = up.requiresGrad ? self.gradientForWrite(of: up) : (nil, false)
            let dg: UnsafeMutablePointer<Float>? = dgBuffer, du: UnsafeMutablePointer<Float>? = duBuffer
            Parallel.forRanges((n + 7) / 8, costPerItem: 64) { r in
                for c in r {
                    let i = c * 8, m = min(8, n - i)
                    let g = load8(pg + i, m), s = sigmoid8(g), d = load8(dy + i, m)
                    if let dg {
                        let v = d * load8(pu + i, m) * s * (1 + g * (1 - s))
                        store8(dgOverwrite ? v : load8(dg + i, m) + v, dg + i, m)
                    }
                    if let du {
                        let v = d * g * s
                        store8(duOverwrite ? v : load8(du + i, m) + v, du + i, m)
                    }
                }
            }
        }
        return out
    }
}
