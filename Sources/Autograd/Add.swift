// Add: a + b, with b either a's shape or a suffix of it (broadcast over leading dims).

extension Tape {
    /// Elementwise a + b. `b.shape` equals `a.shape` or is a suffix of it (e.g. a [B, T, D] + b [D]),
    /// in which case b is repeated over a's leading dims. Result has `a.shape`.
    /// Backward: da += dy; db += dy summed over the repeated leading dims (in order, deterministic).
    public func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(isSuffix(b.shape, of: a.shape), "add: cannot broadcast \(b.shape) to \(a.shape)")
        let out = makeTensor(a.shape, requiresGrad: needsGrad(a, b))
        let n = a.count, inner = max(b.count, 1), reps = n / inner
        let pa = a.data, pb = b.data, po = out.data
        Parallel.forRanges(reps, costPerItem: inner) { r in
            for i in r {
                let o = i * inner
                for j in 0..<inner { po[o + j] = pa[o + j] + pb[j] }
            }
        }
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            // db first (it reads dy), then da, which may take over dy's buffer instead of copying it.
            if b.requiresGrad {
                let db = self.gradient(of: b)
                for i in 0..<reps {
                    let o = i * inner
                    for j in 0..<inner { db[j] += dy[o + j] }
                }
            }
            if a.requiresGrad && !self.moveGradient(from: out, to: a) {
                let da = self.gradient(of: a)
                Parallel.forRanges(n) { r in for i in r { da[i] += dy[i] } }
            }
        }
        return out
    }
}

/// True when `suffix` equals the last `suffix.count` dims of `shape`.
func isSuffix(_ suffix: [Int], of shape: [Int]) -> Bool {
    suffix.count <= shape.count && Array(shape.suffix(suffix.count)) == suffix
}
