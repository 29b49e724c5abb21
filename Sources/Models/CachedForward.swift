// CachedForward: the model's forward for KV-cache inference, fused and allocation-free.
//
// The same math as `MistralModel.logits` (tested against it), written as one pass over preallocated
// buffers: per layer RMSNorm → q, k, v projections → RoPE → append k, v to the cache → attention over
// the cache → o projection added into the residual → RMSNorm → gate, up → silu(gate) ∘ up → down
// projection added into the residual; then the final norm and the tied head for the last position only.
// The layers are `Mistral.swift`'s own structs: norms and projections compute through their `apply`,
// written beside their taped `forward`, so a layer is described once and its two computations sit together;
// only attention over the cache (which has no taped twin) and the SwiGLU product are decoder kernels here.
// Shapes: B batch, T new positions, R = B·T rows, D hidden, H heads, KV kv heads, d head width, M MLP.

import Autograd
import Foundation


extension MistralModel {
    /// Feeds `ids` [B, T] after the `cache.length` cached positions and writes the next-token logits of
    /// each sequence's last position into `cache.logits` [B, V]. Preconditions (checked by `advance`):
    /// ids in the vocabulary, `cache.length + T <= cache.capacity`.
    func forwardCached(_ cache: KVCache, ids: UnsafeBufferPointer<Int32>, length t: Int) {
        let b = cache.batch, rows = b * t, cached = cache.length
        let c = config, d = c.hiddenSize, hd = c.headDim, m = c.intermediateSize
        let heads = c.numAttentionHeads, kvHeads = c.numKeyValueHeads
        let qWidth = heads * hd
        let workers = Parallel.workers
        let s = cache.scratch
        s.reserve(rows: rows)
        let x = s.x, h = s.h, q = s.q, k = s.k, v = s.v, att = s.attention, gate = s.gate, up = s.up

        for r in 0..<rows {   // x = E[ids]   [R, D]
            (x + r * d).update(from: embedding.data + Int(ids[r]) * d, count: d)
        }
        typealias K = InferenceKernels
        // fp32 weights: a prompt's products (many rows) go to OpenBLAS threaded over the workers (set by `advance`),
        // a decoding step's (one row per sequence) run as sgemv / small sgemm on this thread. bf16 weights: both go
        // to `cbf16_rows_pair`, bf16 dot products shared with one spinning helper thread when there are two workers.
        for (block, layer) in zip(blocks, cache.layers) {
            let a = block.attention
            block.inputNorm.apply(x, h, rows: rows)   // [R, D]
            a.qProj.apply(h, q, rows: rows, xBits: s.xBits)           // [R, H·d]
            a.kProj.apply(h, k, rows: rows, xBits: s.xBits)           // [R, KV·d]
            a.vProj.apply(h, v, rows: rows, xBits: s.xBits)           // [R, KV·d]
            K.rotateRows(q, rows: rows, heads: heads, half: hd / 2, cos: cache.rope.cos, sin: cache.rope.sin,
                         firstPosition: cached, rowsPerSequence: t)
            K.rotateRows(k, rows: rows, heads: kvHeads, half: hd / 2, cos: cache.rope.cos, sin: cache.rope.sin,
                         firstPosition: cached, rowsPerSequence: t)
            layer.append(keys: k, values: v, batch: b, length: t, at: cached)
            // att [T, H·d] per sequence. A prompt's attention is shared out over the workers by (sequence, head);
            // a decoding step's is a few microseconds, done on this thread.
            let items = b * heads, chunks = t > 1 ? min(workers, items, s.scoreRows) : 1
            let attend = { (c: Int) in
                let lo = c * items / chunks, hi = (c + 1) * items / chunks
                var item = lo
                while item < hi {
                    let bi = item / heads, h0 = item % heads, h1 = min(heads, h0 + (hi - item))
                    let (keysT, values) = layer.sequence(bi)
                    K.attendCached(q: q + bi * t * qWidth, keysT: keysT, values: values, keyStride: layer.keyStride,
                                   out: att + bi * t * qWidth, t: t, cached: cached, heads: heads, kvHeads: kvHeads,
                                   headDim: hd, window: a.slidingWindow, scores: s.scores + c * s.scoreStride,
                                   headRange: h0..<h1)
                    item += h1 - h0
                }
            }
            if chunks > 1 { Parallel.concurrently(chunks, attend) } else { attend(0) }
            a.oProj.apply(att, x, rows: rows, accumulate: true, xBits: s.xBits)   // x += o(att)
            let mlp = block.mlp
            block.postAttentionNorm.apply(x, h, rows: rows)       // [R, D]
            mlp.gateProj.apply(h, gate, rows: rows, xBits: s.xBits)               // [R, M]
            mlp.upProj.apply(h, up, rows: rows, xBits: s.xBits)                   // [R, M]
            K.swigluInPlace(gate, up, count: rows * m)
            mlp.downProj.apply(gate, x, rows: rows, accumulate: true, xBits: s.xBits)   // x += down(·)
        }
        for bi in 0..<b {   // last position of each sequence, final norm   [B, D]
            finalNorm.apply(x + (bi * t + t - 1) * d, s.last + bi * d, rows: 1)
        }
        head.apply(s.last, cache.logits.data, rows: b, xBits: s.xBits)   // tied head: [B, V]
    }
}
