// RotaryEmbedding: RoPE in Hugging Face's rotate_half layout (halves of each head, not interleaved pairs).

import Foundation

extension Tape {
    /// Rotary position embedding, as `transformers`' `apply_rotary_pos_emb` with `rotate_half`:
    /// for each head, with h = headDim/2 and pair (x1 = x[i], x2 = x[i + h]), i < h,
    ///   y[i]     = x1 · cos θ − x2 · sin θ
    ///   y[i + h] = x2 · cos θ + x1 · sin θ,     θ = pos · invFreq[i],  invFreq[i] = theta^(−2i / headDim)
    /// computed in Float32 like HF (angle = Float(pos) · invFreq, then cos/sin).
    ///
    /// Shapes: `x` [B, T, heads · headDim] (the layout `linear` produces) → same. Token t has position
    /// `positionOffset + t` (pass the cache length when decoding with a KV cache).
    /// Backward is the inverse rotation: dx1 = dy1 · cos + dy2 · sin; dx2 = dy2 · cos − dy1 · sin.
    public func rotaryEmbedding(_ x: Tensor, headDim: Int, theta: Float, positionOffset: Int = 0) -> Tensor {
        precondition(x.rank == 3, "rotaryEmbedding: x must be [B, T, heads·headDim], got \(x.shape)")
        precondition(headDim > 0 && headDim % 2 == 0 && x.shape[2] % headDim == 0,
                     "rotaryEmbedding: headDim \(headDim) must be even and divide \(x.shape[2])")
        let b = x.shape[0], t = x.shape[1], width = x.shape[2], heads = width / headDim, half = headDim / 2
        let out = makeTensor(x.shape, requiresGrad: needsGrad(x))
        let table = rotaryTable(headDim: headDim, theta: theta)
        table.cover(positionOffset + t)
        applyRotation(src: x.data, dst: out.data, accumulate: false, inverse: false, b: b, t: t, heads: heads,
                      half: half, cos: table.cos + positionOffset * half, sin: table.sin + positionOffset * half)
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let (dx, overwrite) = self.gradientForWrite(of: x)
            // Read the table's pointers now: a later forward may have grown (moved) it.
            applyRotation(src: dy, dst: dx, accumulate: !overwrite, inverse: true, b: b, t: t, heads: heads,
                          half: half, cos: table.cos + positionOffset * half, sin: table.sin + positionOffset * half)
        }
        return out
    }
}

/// cos/sin of θ = pos · invFreq[i] for positions 0..<positions, row-major [positions, headDim/2] each,
/// computed once per (headDim, theta) per tape and grown on demand. Each value depends only on (pos, i),
/// so growing never changes a value already handed out.
final class RotaryTable {
    let headDim: Int
    let invFreq: [Float]
    private(set) var positions = 0
    private(set) var cos: UnsafeMutablePointer<Float>
    private(set) var sin: UnsafeMutablePointer<Float>

    init(headDim: Int, theta: Float) {
        self.headDim = headDim
        // As HF: inv_freq = 1 / theta^(arange(0, dim, 2) / dim) in float32.
        self.invFreq = (0..<(headDim / 2)).map { 1 / powf(theta, Float(2 * $0) / Float(headDim)) }
        cos = .allocate(capacity: 1)
        sin = .allocate(capacity: 1)
    }

    deinit { cos.deallocate(); sin.deallocate() }

    /// Makes positions 0..<n available.
    func cover(_ n: Int) {
        guard n > positions else { return }
        let half = headDim / 2, newCount = max(n, 2 * positions, 256)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: newCount * half)
        let s = UnsafeMutablePointer<Float>.allocate(capacity: newCount * half)
        c.update(from: cos, count: positions * half)
        s.update(from: sin, count: positions * half)
        for p in positions..<newCount {
            for i in 0..<half {
                let angle = Double(Float(p) * invFreq[i])   // HF: float32 product, then cos/sin
                c[p * half + i] = Float(Foundation.cos(angle))
                s[p * half + i] = Float(Foundation.sin(angle))
            }
        }
        cos.deallocate(); sin.deallocate()
        cos = c; sin = s
        positions = newCount
    }
}

/// dst = R(src) (or += when `accumulate`), R the rotation (its transpose when `inverse`).
private func applyRotation(src: UnsafeMutablePointer<Float>, dst: UnsafeMutablePointer<Float>,
                           accumulate: Bool, inverse: Bool, b: Int, t: Int, heads: Int, half: Int,
                           cos cosT: UnsafeMutablePointer<Float>, sin sinT: UnsafeMutablePointer<Float>) {
    let headDim = 2 * half, width = heads * headDim
    let sign: Float = inverse ? -1 : 1
    Parallel.forRanges(b * t, costPerItem: width * 4) { r in
        for row in r {
            let p = row % t
            let c = cosT + p * half, s = sinT + p * half
            for h in 0..<heads {
                let xs = src + row * width + h * headDim, ys = dst + row * width + h * headDim
                for i in 0..<half {
                    let x1 = xs[i], x2 = xs[i + half], si = sign * s[i]
                    let y1 = x1 * c[i] - x2 * si
                    let y2 = x2 * c[i] + x1 * si
                    if accumulate { ys[i] += y1; ys[i + half] += y2 } else { ys[i] = y1; ys[i + half] = y2 }
                }
            }
        }
    }
}
