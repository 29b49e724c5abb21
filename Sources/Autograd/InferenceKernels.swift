// InferenceKernels: the fused loops of KV-cache inference (no tape, no tensors, no allocation).
//
// Every function works on raw row-major Float32 buffers (Models' `KVCache` owns them); they live in this
// kernel target so they build with the kernels' flags. Shapes: R rows (batch · new positions), D hidden,
// H heads, KV kv heads, d head width, M MLP width.

import CBF16
import CBLAS
import Dispatch

/// The building blocks of `MistralModel.advance`'s fused forward.
public enum InferenceKernels {}

extension InferenceKernels {
    /// Runs `body` with OpenBLAS threading each of its calls over `threads` threads, then puts OpenBLAS back
    /// to one thread (its setting unless `Parallel.blasThreadsItself`). A prompt's products are faster
    /// threaded by OpenBLAS (shared packing) than split by columns.
    public static func withBLASThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        guard threads > 1, !Parallel.blasThreadsItself else { return try body() }
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        return try body()
    }

    /// Index of the largest of `count` floats (the first one on ties; NaNs are never chosen unless all are
    /// NaN, then 0), as greedy decoding picks: one SIMD pass for the maximum, one for its first index.
    public static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int {
        precondition(count > 0, "argmax: empty")
        var m = SIMD8<Float>(repeating: -.infinity)
        var j = 0
        while j + 8 <= count {
            let v = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
            m.replace(with: v, where: v .> m)
            j += 8
        }
        var best = -Float.infinity
        for l in 0..<8 where m[l] > best { best = m[l] }
        while j < count { if x[j] > best { best = x[j] }; j += 1 }
        for i in 0..<count where x[i] == best { return i }
        return 0
    }

    /// y = x · Wᵀ (beta 0) or y += x · Wᵀ (beta 1), `x` [rows, inF], `w` [outF, inF] (nn.Linear layout), `y` [rows, outF].
    ///
    /// One row is an sgemv (the decoding case: weight-bandwidth bound, single-threaded, no dispatch);
    /// several rows are one sgemm, which OpenBLAS threads itself inside `withBLASThreads` (the prompt prefill).
    @inline(__always)
    public static func linearRows(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                  rows: Int, inF: Int, outF: Int, beta: Float) {
        if rows == 1 {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outF), Int32(inF), 1, w, Int32(inF), x, 1, beta, y, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outF), Int32(inF), 1, x, Int32(inF),
                        w, Int32(inF), beta, y, Int32(outF))
        }
    }

    /// `linearRows` with a bf16 weight `w` [outF, inF]: y = x · Wᵀ (beta 0) or y += x · Wᵀ (beta 1). Every row of
    /// x is rounded to bf16 into `xBits` (≥ rows·inF) and the products are summed in Float32, as
    /// `Tape(precision: .bf16)` computes `linear`. Up to `ownKernelRows` rows (a decoding step, a prompt) go to
    /// codetune's bf16 dot-product kernel (`cbf16_rows`: each weight chunk loaded once for two rows), with two or
    /// more workers shared with one spinning helper thread (`cbf16_rows_pair`: no thread-pool wake-up per
    /// product, the same result bit for bit); more rows are one oneDNN bf16 product.
    /// Precondition: `BF16Products.isAvailable`.
    public static func linearRowsBF16(_ x: UnsafePointer<Float>, _ w: UnsafePointer<UInt16>, _ y: UnsafeMutablePointer<Float>,
                                      rows: Int, inF: Int, outF: Int, beta: Float, xBits: UnsafeMutablePointer<UInt16>) {
        if rows <= ownKernelRows {
            cbf16_convert(x, xBits, rows * inF)   // tens of microseconds: not worth waking the workers next to the helper
            if Parallel.workers > 1 { cbf16_rows_pair(w, outF, inF, xBits, rows, beta, y) }
            else { cbf16_rows(w, outF, inF, xBits, rows, beta, y, outF) }
            return
        }
        BF16Workspace.convert(x, xBits, count: rows * inF)
        bf16gemm(transA: false, transB: true, m: rows, n: outF, k: inF, a: xBits, lda: inF, b: w, ldb: inF,
                 beta: beta, c: y, ldc: outF)
    }

    /// Rows up to which `linearRowsBF16` uses codetune's kernel rather than oneDNN: a prompt of 128 tokens
    /// takes 2.1 ms of products on the reference shape there against 3.1–3.6 ms in oneDNN on two threads;
    /// past a few hundred rows the vectors no longer stay in cache between weight blocks.
    static let ownKernelRows = 256

    /// y[r, :] = x[r, :] / sqrt(mean(x[r, :]²) + eps) ∘ weight, for `rows` rows of width `d`.
    @inline(__always)
    public static func rmsNormRows(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                     rows: Int, d: Int, eps: Float) {
        for r in 0..<rows {
            let xr = x + r * d, yr = y + r * d
            var ss: Float = 0
            for j in 0..<d { ss += xr[j] * xr[j] }
            let s = 1 / (ss / Float(d) + eps).squareRoot()
            for j in 0..<d { yr[j] = weight[j] * (xr[j] * s) }
        }
    }

    /// RoPE in place (Hugging Face's rotate_half layout) on `rows` rows of `heads` heads of width 2·half,
    /// the rows being sequences of `rowsPerSequence` consecutive positions starting at `firstPosition`
    /// (row r sits at firstPosition + r % rowsPerSequence). `cos`/`sin` are [positions, half] tables,
    /// cos(p · invFreq[i]) and sin(p · invFreq[i]).
    public static func rotateRows(_ x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, half: Int,
                                  cos cosT: UnsafePointer<Float>, sin sinT: UnsafePointer<Float>,
                                  firstPosition: Int, rowsPerSequence: Int) {
        let width = 2 * half * heads
        for r in 0..<rows {
            let p = firstPosition + r % rowsPerSequence
            let c = cosT + p * half, s = sinT + p * half
            for h in 0..<heads {
                let xs = x + r * width + h * 2 * half
                for i in 0..<half {
                    let x1 = xs[i], x2 = xs[i + half]
                    xs[i] = x1 * c[i] - x2 * s[i]
                    xs[i + half] = x2 * c[i] + x1 * s[i]
                }
            }
        }
    }

    /// gate ← silu(gate) ∘ up, `count` floats.
    @inline(__always)
    public static func swigluInPlace(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD8<Float>.self)
            let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD8<Float>.self)
            let y = g / (1 + exp8(-g)) * u
            UnsafeMutableRawPointer(gate + i).storeBytes(of: y, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let g = gate[i]
            gate[i] = g / (1 + exp8(SIMD8(repeating: -g))[0]) * up[i]
            i += 1
        }
    }

    /// Causal attention of `t` new query rows over a sequence's cached keys and values.
    ///
    /// `q` [t, H·d] (after RoPE); `keysT` [KV·d, keyStride] (transposed: one row of positions per feature,
    /// each row readable at least 7 floats past the last position, as `LayerCache` pads it) and
    /// `values` [capacity, KV·d] of one sequence, holding positions 0..<cached + t (the new ones already
    /// appended); `out` [t, H·d]. Query row i sits at position p = cached + i and sees keys j ≤ p (and
    /// j > p − window with a sliding window). Query head h reads kv head h / (H / KV). Only the query heads
    /// in `headRange` (default all) are computed, so heads can be shared out between threads. `scores` holds
    /// at least cached + t + 8 floats.
    ///
    /// Scores are accumulated feature by feature over contiguous rows of positions (axpy's, 32 positions
    /// in registers at a time), so no horizontal sums; softmax with the SIMD exp; the output is a weighted
    /// sum of value rows.
    public static func attendCached(q: UnsafePointer<Float>, keysT: UnsafePointer<Float>, values: UnsafePointer<Float>, keyStride: Int,
                      out: UnsafeMutablePointer<Float>, t: Int, cached: Int, heads: Int, kvHeads: Int, headDim d: Int,
                      window: Int?, scores: UnsafeMutablePointer<Float>, headRange: Range<Int>? = nil) {
        let qWidth = heads * d, kvWidth = kvHeads * d, group = heads / kvHeads
        let scale = 1 / Float(d).squareRoot()
        for i in 0..<t {
            let p = cached + i
            let lo = window.map { max(0, p - $0 + 1) } ?? 0
            let n = p + 1 - lo
            for h in headRange ?? 0..<heads {
                let kv = h / group
                let qh = q + i * qWidth + h * d
                scoresOverPositions(query: qh, keysT: keysT + kv * d * keyStride + lo, stride: keyStride, features: d,
                                    count: n, scale: scale, into: scores)
                let mx = maxOf(scores, count: n)
                let sum = expShiftedInPlace(scores, count: n, shift: mx)
                weightedRowSum(scores, rows: values + lo * kvWidth + kv * d, stride: kvWidth, count: n, width: d,
                               scale: 1 / sum, into: out + i * qWidth + h * d)
            }
        }
    }

    /// scores[j] = scale · Σ_c query[c] · keysT[c · stride + j] for j < count, in whole blocks of 8: the
    /// last block also writes up to 7 scores past `count` (from the rows' padding; never read).
    @inline(__always)
    static func scoresOverPositions(query: UnsafePointer<Float>, keysT: UnsafePointer<Float>, stride: Int, features: Int,
                             count: Int, scale: Float, into scores: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var j = 0
        while j + 32 <= count {   // 32 positions in four registers
            var a0 = V(), a1 = V(), a2 = V(), a3 = V()
            for c in 0..<features {
                let row = keysT + c * stride + j, qc = V(repeating: query[c])
                a0.addProduct(qc, load(row)); a1.addProduct(qc, load(row + 8))
                a2.addProduct(qc, load(row + 16)); a3.addProduct(qc, load(row + 24))
            }
            store(a0 * scale, scores + j); store(a1 * scale, scores + j + 8)
            store(a2 * scale, scores + j + 16); store(a3 * scale, scores + j + 24)
            j += 32
        }
        while j < count {
            var a = V()
            for c in 0..<features { a.addProduct(V(repeating: query[c]), load(keysT + c * stride + j)) }
            store(a * scale, scores + j)
            j += 8
        }
    }

    /// Lanes 0..<n of 8 (all when n ≥ 8).
    @inline(__always)
    static func firstLanes(_ n: Int) -> SIMDMask<SIMD8<Int32>> {
        SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8<Int32>(repeating: Int32(min(n, 8)))
    }

    /// max_j x[j] (−∞ for count 0). Reads whole blocks of 8 (x padded to a multiple of 8).
    @inline(__always)
    static func maxOf(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var m = SIMD8<Float>(repeating: -.infinity)
        var j = 0
        while j < count {
            var v = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
            if count - j < 8 { v.replace(with: -.infinity, where: .!firstLanes(count - j)) }
            m.replace(with: v, where: v .> m)   // compare + blend (pointwiseMax checks NaNs lane by lane)
            j += 8
        }
        var h = m.lowHalf
        h.replace(with: m.highHalf, where: m.highHalf .> h)
        return max(max(h[0], h[1]), max(h[2], h[3]))
    }

    /// x[j] ← e^(x[j] − shift) for j < count; returns Σ x. Works in whole blocks of 8 (x padded to a
    /// multiple of 8; lanes past `count` are set to 0).
    @inline(__always)
    static func expShiftedInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var j = 0
        while j < count {
            var e = exp8(UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self) - shift)
            if count - j < 8 { e.replace(with: 0, where: .!firstLanes(count - j)) }
            UnsafeMutableRawPointer(x + j).storeBytes(of: e, as: SIMD8<Float>.self)
            acc += e
            j += 8
        }
        let h = acc.lowHalf + acc.highHalf
        return (h[0] + h[2]) + (h[1] + h[3])
    }

    /// out[0..<width] = scale · Σ_j w[j] · rows[j · stride ..< j · stride + width].
    /// Features in blocks of 32 (four registers) so each row is read once per block.
    @inline(__always)
    static func weightedRowSum(_ w: UnsafePointer<Float>, rows: UnsafePointer<Float>, stride: Int, count: Int, width: Int,
                        scale: Float, into out: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var c = 0
        while c + 32 <= width {
            var a0 = V(), a1 = V(), a2 = V(), a3 = V()
            for j in 0..<count {
                let row = rows + j * stride + c, wj = V(repeating: w[j])
                a0.addProduct(wj, load(row)); a1.addProduct(wj, load(row + 8))
                a2.addProduct(wj, load(row + 16)); a3.addProduct(wj, load(row + 24))
            }
            store(a0 * scale, out + c); store(a1 * scale, out + c + 8)
            store(a2 * scale, out + c + 16); store(a3 * scale, out + c + 24)
            c += 32
        }
        while c + 8 <= width {
            var acc = V()
            for j in 0..<count { acc.addProduct(V(repeating: w[j]), load(rows + j * stride + c)) }
            store(acc * scale, out + c)
            c += 8
        }
        while c < width {
            var acc: Float = 0
            for j in 0..<count { acc += w[j] * rows[j * stride + c] }
            out[c] = acc * scale
            c += 1
        }
    }
}
