// RMSNorm: y = x / sqrt(mean(x²) + eps) ∘ w over the last dim, fused (Mistral / Llama RMSNorm).

import Foundation

extension Tape {
    /// y[r, :] = x[r, :] · rstd[r] ∘ weight, rstd[r] = 1 / sqrt(mean_j x[r, j]² + eps), as `MistralRMSNorm`
    /// (which computes in float32 for float32 inputs).
    ///
    /// Shapes: `x` [..., D], `weight` [D] → y [..., D]. Keeps rstd per row ([rows] floats) for backward.
    /// Backward, with x̂ = x · rstd and g = dy ∘ w:
    ///   dx = rstd · (g − x̂ · mean_j(g ∘ x̂));  dweight += Σ_rows dy ∘ x̂
    /// (dweight is summed per worker chunk, then the chunks in order: deterministic for a given thread count).
    public func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float) -> Tensor {
        let d = x.lastDim
        precondition(weight.shape == [d], "rmsNorm: weight \(weight.shape) does not match x \(x.shape)")
        let rows = x.rows
        let out = makeTensor(x.shape, requiresGrad: needsGrad(x, weight))
        let rstd = out.requiresGrad ? scratch(rows) : nil
        let px = x.data, pw = weight.data, py = out.data
        Parallel.forRanges(rows, costPerItem: 3 * d) { r in
            for i in r {
                let xr = px + i * d, yr = py + i * d
                var ss: Float = 0
                for j in 0..<d { ss += xr[j] * xr[j] }
                let s = 1 / (ss / Float(d) + eps).squareRoot()
                rstd?[i] = s
                for j in 0..<d { yr[j] = pw[j] * (xr[j] * s) }
            }
        }
        guard out.requiresGrad, let rstd else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let (dxBuffer, overwrite) = x.requiresGrad ? self.gradientForWrite(of: x) : (nil, false)
            let dx: UnsafeMutablePointer<Float>? = dxBuffer
            let chunks = min(Parallel.workers, rows)
            let partial: UnsafeMutablePointer<Float>? = weight.requiresGrad ? self.arena.allocateZeroed(chunks * d) : nil
            Parallel.concurrently(chunks) { c in
                let dwc = partial.map { $0 + c * d }
                for i in Parallel.chunkRange(c, of: chunks, count: rows) {
                    let xr = px + i * d, gr = dy + i * d, s = rstd[i]
                    if let dwc { for j in 0..<d { dwc[j] += gr[j] * xr[j] * s } }
                    if let dx {
                        var dot: Float = 0
                        for j in 0..<d { dot += gr[j] * pw[j] * xr[j] }
                        let c2 = dot * s * s / Float(d)
                        let dxr = dx + i * d
                        if overwrite {
                            for j in 0..<d { dxr[j] = s * (gr[j] * pw[j] - xr[j] * c2) }
                        } else {
                            for j in 0..<d { dxr[j] += s * (gr[j] * pw[j] - xr[j] * c2) }
                        }
                    }
                }
            }
            if let partial {
                let dw = self.gradient(of: weight)
                for c in 0..<chunks { for j in 0..<d { dw[j] += partial[c * d + j] } }
            }
        }
        return out
    }
}
