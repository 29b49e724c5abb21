// Reduce: sum and mean of all elements to a scalar.

extension Tape {
    /// Σ x over all elements → scalar []. Accumulated in Double in index order. Backward: dx += dy.
    public func sum(_ x: Tensor) -> Tensor {
        let out = makeTensor([], requiresGrad: needsGrad(x))
        var acc = 0.0
        for i in 0..<x.count { acc += Double(x.data[i]) }
        out.data[0] = Float(acc)
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let dx = self.gradient(of: x), g = dy[0]
            for i in 0..<x.count { dx[i] += g }
        }
        return out
    }

    /// (1/n) Σ x over all n elements → scalar []. Accumulated in Double. Backward: dx += dy / n.
    public func mean(_ x: Tensor) -> Tensor {
        let out = makeTensor([], requiresGrad: needsGrad(x))
        var acc = 0.0
        for i in 0..<x.count { acc += Double(x.data[i]) }
        let n = max(x.count, 1)
        out.data[0] = Float(acc / Double(n))
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let dx = self.gradient(of: x), g = dy[0] / Float(n)
            for i in 0..<x.count { dx[i] += g }
        }
        return out
    }
}
