// Multiply: a ∘ b, with b either a's shape or a suffix of it (broadcast over leading dims).

extension Tape {
    /// Elementwise a ∘ b. `b.shape` equals `a.shape` or is a suffix of it (b repeated over a's leading dims).
    /// Result has `a.shape`. Backward: da += dy ∘ b; db += Σ_leading dy ∘ a (in order, deterministic).
    public func multiply(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(isSuffix(b.shape, of: a.shape), "multiply: cannot broadcast \(b.shape) to \(a.shape)")
        let out = makeTensor(a.shape, requiresGrad: needsGrad(a, b))
        let n = a.count, inner = max(b.count, 1), reps = n / inner
        let pa = a.data, pb = b.data, po = out.data
        Parallel.forRanges(reps, costPerItem: inner) { r in
            for i in r {
                let o = i * inner
                for j in 0..<inner { po[o + j] = pa[o + j] * pb[j] }
            }
        }
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            if a.requiresGrad {
                let da = self.gradient(of: a)
                Parallel.forRanges(reps, costPerItem: inner) { r in
                    for i in r {
                        let o = i * inner
                        for j in 0..<inner { da[o + j] += dy[o + j] * pb[j] }
                    }
                }
            }
            if b.requiresGrad {
                let db = self.gradient(of: b)
                for i in 0..<reps {
                    let o = i * inner
                    for j in 0..<inner { db[j] += dy[o + j] * pa[o + j] }
                }
            }
        }
        return out
    }

    /// x · s for a constant scalar s. Backward: dx += s · dy.
    public func scale(_ x: Tensor, by s: Float) -> Tensor {
        let out = makeTensor(x.shape, requiresGrad: needsGrad(x))
        let n = x.count, px = x.data, po = out.data
        Parallel.forRanges(n) { r in for i in r { po[i] = px[i] * s } }
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let dx = self.gradient(of: x)
            Parallel.forRanges(n) { r in for i in r { dx[i] += dy[i] * s } }
        }
        return out
    }
}
