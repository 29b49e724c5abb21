// Reshape: the same values under another shape (no copy forward; gradient added back on backward).

extension Tape {
    /// The values of `x` viewed with `shape` (same element count; one dimension may be -1 and is inferred).
    /// Forward shares `x`'s memory (writes to one show in the other). Backward: dx += dy.
    public func reshape(_ x: Tensor, _ shape: [Int]) -> Tensor {
        var dims = shape
        if let i = dims.firstIndex(of: -1) {
            let known = dims.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && x.count % known == 0, "reshape: cannot view \(x.shape) as \(shape)")
            dims[i] = x.count / known
        }
        precondition(dims.reduce(1, *) == x.count, "reshape: cannot view \(x.shape) as \(shape)")
        let out = Tensor(viewing: x.data, shape: dims, grad: nil, requiresGrad: needsGrad(x), owner: x)
        guard out.requiresGrad else { return out }
        let n = x.count
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            // Every consumer of `out` has run: hand its gradient to x instead of copying when x has none.
            if self.moveGradient(from: out, to: x) { return }
            let dx = self.gradient(of: x)
            for i in 0..<n { dx[i] += dy[i] }
        }
        return out
    }
}
