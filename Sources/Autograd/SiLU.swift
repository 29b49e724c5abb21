// SiLU: silu(x) = x · σ(x).

import Foundation

extension Tape {
    /// silu(x) = x · σ(x), elementwise; any shape.
    /// Backward: dx += dy · σ(x) · (1 + x · (1 − σ(x))).
    public func silu(_ x: Tensor) -> Tensor {
        let out = makeTensor(x.shape, requiresGrad: needsGrad(x))
        let n = x.count, px = x.data, po = out.data
        Parallel.forRanges((n + 7) / 8, costPerItem: 64) { r in
            for c in r {
                let i = c * 8, m = min(8, n - i), v = load8(px + i, m)
                store8(v * sigmoid8(v), po + i, m)
            }
        }
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let (dx, overwrite) = self.gradientForWrite(of: x)
            Parallel.forRanges((n + 7) / 8, costPerItem: 64) { r in
                for c in r {
                    let i = c * 8, m = min(8, n - i), v = load8(px + i, m), s = sigmoid8(v)
                    let g = load8(dy + i, m) * s * (1 + v * (1 - s))
                    store8(overwrite ? g : load8(dx + i, m) + g, dx + i, m)
                }
            }
        }
        return out
    }
}
