// Attention: fused causal scaled-dot-product attention with grouped-query heads and an optional sliding window.

import Foundation
import CBLAS

extension Tape {
    /// softmax(q·kᵀ · scale + mask) · v per head, fused (row softmax over key tiles; probabilities are
    /// recomputed in backward from the saved log-sum-exp, so nothing of size T×S is kept).
    ///
    /// Shapes (the layout `linear` produces, no transposes needed):
    /// - `query` [B, T, heads · hd]; `key`, `value` [B, Smax, kvHeads · hd]; only the first `keyLength`
    ///   (default Smax) key positions are used, so a preallocated KV cache can be passed as is.
    /// - result [B, T, heads · hd].
    ///
    /// Grouped-query heads: query head h reads kv head h / (heads / kvHeads) (HF's `repeat_kv`).
    /// Positions: query row i sits at absolute position p = keyLength − T + i (the new tokens follow the cache).
    /// Mask: key j is visible to p iff j ≤ p, and, with `slidingWindow` w, also p − w < j (as `transformers`'
    /// `causal_mask_function` + `sliding_window_overlay`). `scale` defaults to 1/sqrt(hd).
    ///
    /// On a recording bf16 tape (training) the tiles' five products take bf16 operands (q, k, v, P, dO and dS
    /// rounded as they are packed, sums in Float32, as `scaled_dot_product_attention` on bf16 tensors); the
    /// softmax, the log-sum-exp and dS stay Float32 (`forwardBF16`, `backwardBF16`). An inference tape keeps
    /// Float32 attention, as the KV-cache decoder does, so a prompt scores the same through either.
    ///
    /// Backward (per query tile, with P recomputed): dV += Pᵀ·dO; dP = dO·Vᵀ; dS = P ∘ (dP − rowsum(dO ∘ O));
    /// dQ += scale · dS·K; dK += scale · dSᵀ·Q. Work is split by (batch, kv head), each owning its dK/dV/dQ
    /// slices, so the result does not depend on scheduling.
    public func attention(query q: Tensor, key k: Tensor, value v: Tensor, heads: Int, kvHeads: Int,
                          slidingWindow: Int? = nil, keyLength: Int? = nil, scale: Float? = nil) -> Tensor {
        precondition(q.rank == 3 && k.rank == 3 && v.rank == 3, "attention: q, k, v must be rank 3")
        precondition(heads > 0 && kvHeads > 0 && heads % kvHeads == 0,
                     "attention: kvHeads \(kvHeads) must divide heads \(heads)")
        let b = q.shape[0], t = q.shape[1], qWidth = q.shape[2]
        precondition(qWidth % heads == 0, "attention: query width \(qWidth) not divisible by \(heads) heads")
        let hd = qWidth / heads, kvWidth = kvHeads * hd
        precondition(k.shape == v.shape && k.shape[0] == b && k.shape[2] == kvWidth,
                     "attention: key \(k.shape) / value \(v.shape) do not match query \(q.shape) with \(kvHeads) kv heads")
        let s = keyLength ?? k.shape[1]
        precondition(s >= t && s <= k.shape[1], "attention: keyLength \(s) must be in \(t)...\(k.shape[1])")
        if let w = slidingWindow { precondition(w > 0, "attention: slidingWindow must be positive") }
        let geom = AttentionGeometry(b: b, t: t, s: s, sMax: k.shape[1], heads: heads, kvHeads: kvHeads, hd: hd,
                                     window: slidingWindow, scale: scale ?? 1 / Float(hd).squareRoot())
        let out = makeTensor(q.shape, requiresGrad: needsGrad(q, k, v))
        let lse = out.requiresGrad ? scratch(b * heads * t) : nil
        let workers = min(Parallel.workers, b * kvHeads)
        let scores = scratch(workers * AttentionGeometry.tile * s)
        let tiles = isRecording ? bf16 : nil   // the workspace of bf16 tiles, or nil for Float32 ones
        let forwardWords = geom.packing.forwardWords
        let words = tiles?.packedWords(workers * forwardWords)
        withSingleThreadedBLAS {
            Parallel.concurrently(workers) { w in
                let sc = scores + w * AttentionGeometry.tile * s
                for item in Parallel.chunkRange(w, of: workers, count: b * kvHeads) {
                    if let words {
                        geom.forwardBF16(item: item, q: q.data, k: k.data, v: v.data, out: out.data, lse: lse, scores: sc,
                                         words: words + w * forwardWords)
                    } else {
                        geom.forward(item: item, q: q.data, k: k.data, v: v.data, out: out.data, lse: lse, scores: sc)
                    }
                }
            }
        }
        guard out.requiresGrad, let lse else { return out }
        record(out) { [unowned self] in
            guard let dOut = out.grad else { return }
            let dq: UnsafeMutablePointer<Float>? = q.requiresGrad ? self.gradient(of: q) : nil
            let dk: UnsafeMutablePointer<Float>? = k.requiresGrad ? self.gradient(of: k) : nil
            let dv: UnsafeMutablePointer<Float>? = v.requiresGrad ? self.gradient(of: v) : nil
            let rowDot = self.scratch(b * heads * t)
            let work = self.scratch(workers * 2 * AttentionGeometry.tile * s)
            let backwardWords = geom.packing.backwardWords
            let words = tiles?.packedWords(workers * backwardWords)
            withSingleThreadedBLAS {
                Parallel.concurrently(workers) { w in
                    let p = work + w * 2 * AttentionGeometry.tile * s
                    let dp = p + AttentionGeometry.tile * s
                    for item in Parallel.chunkRange(w, of: workers, count: b * kvHeads) {
                        if let words {
                            geom.backwardBF16(item: item, q: q.data, k: k.data, v: v.data, out: out.data, lse: lse,
                                              dOut: dOut, dq: dq, dk: dk, dv: dv, rowDot: rowDot, p: p, dp: dp,
                                              words: words + w * backwardWords)
                        } else {
                            geom.backward(item: item, q: q.data, k: k.data, v: v.data, out: out.data, lse: lse,
                                          dOut: dOut, dq: dq, dk: dk, dv: dv, rowDot: rowDot, p: p, dp: dp)
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Runs `body` with OpenBLAS at one thread, so several workers can each call sgemm (only needs changing
/// when `Parallel.blasThreadsItself` is set; OpenBLAS is single-threaded otherwise).
func withSingleThreadedBLAS(_ body: () -> Void) {
    let restore = Parallel.blasThreadsItself && Parallel.workers > 1
    if restore { openblas_set_num_threads(1) }
    body()
    if restore { openblas_set_num_threads(Int32(Parallel.workers)) }
}

/// Sizes and the mask of one attention call, and its per-(batch, kv head) kernels.
struct AttentionGeometry {
    static let tile = 64
    let b, t, s, sMax, heads, kvHeads, hd: Int
    let window: Int?
    let scale: Float

    var qWidth: Int { heads * hd }
    var kvWidth: Int { kvHeads * hd }
    var group: Int { heads / kvHeads }

    /// Visible keys [lo, hi) for query rows [i0, i1): the union of their windows.
    @inline(__always)
    func keyRange(_ i0: Int, _ i1: Int) -> (Int, Int) {
        let off = s - t
        let hi = off + i1            // last row's position + 1
        var lo = 0
        if let w = window { lo = max(0, off + i0 - w + 1) }
        return (lo, hi)
    }

    /// The visible keys of query row i, as columns [js, je) of a score tile covering keys [lo, hi):
    /// keys j with j ≤ p and (with a window w) j > p − w, p = s − t + i. Never empty (j = p is visible).
    @inline(__always)
    func visibleColumns(row i: Int, lo: Int, hi: Int) -> (Int, Int) {
        let p = s - t + i
        var first = 0
        if let w = window { first = max(0, p - w + 1) }
        return (max(first, lo) - lo, min(p + 1, hi) - lo)
    }

    /// Forward for batch entry item / kvHeads and kv head item % kvHeads, all its query heads.
    func forward(item: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                 out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>?,
                 scores: UnsafeMutablePointer<Float>) {
        let bi = item / kvHeads, kh = item % kvHeads
        let kBase = k + bi * sMax * kvWidth + kh * hd, vBase = v + bi * sMax * kvWidth + kh * hd
        forEachQueryTile(ofKVHead: kh) { h, rows in
            let qBase = q + bi * t * qWidth + h * hd, oBase = out + bi * t * qWidth + h * hd
            let i0 = rows.lowerBound, tq = rows.count
            let (lo, hi) = keyRange(i0, rows.upperBound), kn = hi - lo
            // S = scale · Q_tile · K[lo..<hi]ᵀ   [tq, kn]
            sgemmSerial(transA: false, transB: true, m: tq, n: kn, k: hd, alpha: scale,
                  a: qBase + i0 * qWidth, lda: qWidth, b: kBase + lo * kvWidth, ldb: kvWidth,
                  beta: 0, c: scores, ldc: kn)
            normalize(scores, rows: rows, lo: lo, hi: hi, lse: lse.map { $0 + (bi * heads + h) * t })
            // O_tile = P · V[lo..<hi]
            sgemmSerial(transA: false, transB: false, m: tq, n: hd, k: kn, a: scores, lda: kn,
                  b: vBase + lo * kvWidth, ldb: kvWidth, beta: 0, c: oBase + i0 * qWidth, ldc: qWidth)
        }
    }

    /// Backward for one (batch, kv head) item: accumulates into dq (its query heads' columns), dk, dv (its kv head).
    func backward(item: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                  out: UnsafePointer<Float>, lse: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                  dq: UnsafeMutablePointer<Float>?, dk: UnsafeMutablePointer<Float>?, dv: UnsafeMutablePointer<Float>?,
                  rowDot: UnsafeMutablePointer<Float>, p: UnsafeMutablePointer<Float>, dp: UnsafeMutablePointer<Float>) {
        let bi = item / kvHeads, kh = item % kvHeads
        let kvOff = bi * sMax * kvWidth + kh * hd
        let kBase = k + kvOff, vBase = v + kvOff
        forEachQueryTile(ofKVHead: kh) { h, rows in
            let qOff = bi * t * qWidth + h * hd
            let lseH = lse + (bi * heads + h) * t, dotH = rowDot + (bi * heads + h) * t
            if rows.lowerBound == 0 { rowDots(out + qOff, dOut + qOff, into: dotH) }
            let i0 = rows.lowerBound, tq = rows.count
            let (lo, hi) = keyRange(i0, rows.upperBound), kn = hi - lo
            let qTile = q + qOff + i0 * qWidth, dOTile = dOut + qOff + i0 * qWidth
            sgemmSerial(transA: false, transB: true, m: tq, n: kn, k: hd, alpha: scale,
                  a: qTile, lda: qWidth, b: kBase + lo * kvWidth, ldb: kvWidth, beta: 0, c: p, ldc: kn)
            probabilities(p, rows: rows, lo: lo, hi: hi, lse: lseH)
            if let dv {   // dV[lo..<hi] += Pᵀ · dO_tile
                sgemmSerial(transA: true, transB: false, m: kn, n: hd, k: tq, a: p, lda: kn,
                      b: dOTile, ldb: qWidth, beta: 1, c: dv + kvOff + lo * kvWidth, ldc: kvWidth)
            }
            guard dq != nil || dk != nil else { return }
            // dP = dO_tile · V[lo..<hi]ᵀ, then dS = P ∘ (dP − D) (into dp)
            sgemmSerial(transA: false, transB: true, m: tq, n: kn, k: hd, a: dOTile, lda: qWidth,
                  b: vBase + lo * kvWidth, ldb: kvWidth, beta: 0, c: dp, ldc: kn)
            scoreGradients(p, dp, rows: rows, columns: kn, rowDot: dotH)
            if let dq {   // dQ_tile += scale · dS · K
                sgemmSerial(transA: false, transB: false, m: tq, n: hd, k: kn, alpha: scale, a: dp, lda: kn,
                      b: kBase + lo * kvWidth, ldb: kvWidth, beta: 1, c: dq + qOff + i0 * qWidth, ldc: qWidth)
            }
            if let dk {   // dK[lo..<hi] += scale · dSᵀ · Q_tile
                sgemmSerial(transA: true, transB: false, m: kn, n: hd, k: tq, alpha: scale, a: dp, lda: kn,
                      b: qTile, ldb: qWidth, beta: 1, c: dk + kvOff + lo * kvWidth, ldc: kvWidth)
            }
        }
    }

    /// body(h, rows) for each query head h of kv head kh (grouped-query: h / group == kh), and each of its
    /// query tiles (`tile` rows at a time, in order).
    @inline(__always)
    func forEachQueryTile(ofKVHead kh: Int, _ body: (Int, Range<Int>) -> Void) {
        for h in (kh * group)..<((kh + 1) * group) {
            var i0 = 0
            while i0 < t {
                let i1 = min(t, i0 + Self.tile)
                body(h, i0..<i1)
                i0 = i1
            }
        }
    }

    /// Scores [rows.count, hi − lo] (keys lo..<hi) → probabilities in place: each row's softmax over its
    /// visible keys, zeros elsewhere; lse[i] (when given) = the row's log-sum-exp, for backward.
    @inline(__always)
    func normalize(_ scores: UnsafeMutablePointer<Float>, rows: Range<Int>, lo: Int, hi: Int,
                   lse: UnsafeMutablePointer<Float>?) {
        let kn = hi - lo
        for (r, i) in rows.enumerated() {
            let row = scores + r * kn
            let (js, je) = visibleColumns(row: i, lo: lo, hi: hi)
            let seg = row + js, cnt = je - js
            let mx = maxOf(seg, count: cnt)
            let sum = expShifted(seg, seg, count: cnt, shift: mx)
            let inv = 1 / sum
            for jj in 0..<cnt { seg[jj] *= inv }
            if js > 0 { row.update(repeating: 0, count: js) }
            if je < kn { (row + je).update(repeating: 0, count: kn - je) }
            lse?[i] = mx + logf(sum)
        }
    }

    /// Scores [rows.count, hi − lo] → the probabilities forward computed, from its log-sum-exp (lse[i] per row).
    @inline(__always)
    func probabilities(_ p: UnsafeMutablePointer<Float>, rows: Range<Int>, lo: Int, hi: Int, lse: UnsafePointer<Float>) {
        let kn = hi - lo
        for (r, i) in rows.enumerated() {
            let row = p + r * kn
            let (js, je) = visibleColumns(row: i, lo: lo, hi: hi)
            _ = expShifted(row + js, row + js, count: je - js, shift: lse[i])
            if js > 0 { row.update(repeating: 0, count: js) }
            if je < kn { (row + je).update(repeating: 0, count: kn - je) }
        }
    }

    /// dS = P ∘ (dP − D) into dp, rows [rows.count, columns], D_i = rowDot[i].
    @inline(__always)
    func scoreGradients(_ p: UnsafePointer<Float>, _ dp: UnsafeMutablePointer<Float>, rows: Range<Int>, columns kn: Int,
                        rowDot: UnsafePointer<Float>) {
        for (r, i) in rows.enumerated() {
            let pr = p + r * kn, dr = dp + r * kn, di = rowDot[i]
            for jj in 0..<kn { dr[jj] = pr[jj] * (dr[jj] - di) }
        }
    }

    /// D_i = Σ_d dO[i, d] · O[i, d] for the t query rows of one head (rows qWidth apart).
    @inline(__always)
    func rowDots(_ out: UnsafePointer<Float>, _ dOut: UnsafePointer<Float>, into dot: UnsafeMutablePointer<Float>) {
        for i in 0..<t {
            var acc: Float = 0
            let o = out + i * qWidth, g = dOut + i * qWidth
            for d in 0..<hd { acc += o[d] * g[d] }
            dot[i] = acc
        }
    }
}
