// SiLU: silu(x) = x · σ(x).

import Foundation

extension Tape {
    /// silu(x) = x · σ(x), elementwise; any shape.
    /// Backward: dx += dy · σ(x) · (1 + x · (1 − σ(x))).
    public func silu(_ x: Tensor) -> Tensor {
        let out = makeTensor(x.shape, requiresGrad: needsGrad(x))
        let n = x.count, px = x.data, po = out.data
        Parallel.forRanges(n, costPerItem: 8) { r in
            for i in r { let v = px[i]; po[i] = v / (1 + expf(-v)) }
        }
        guard out.requiresGrad else { return out }
        record { [unowned self] in
            guard let dy = out.grad else { return }
            let dx = self.gradient(of: x)
            Parallel.forRanges(n, costPerItem: 8) { r in
                for i in r {
                    let v = px[i], s = 1 / (1 + expf(-v))
                    dx[i] += dy[i] * s * (1 + v * (1 - s))
                }
            }
        }
        return out
    }
}
