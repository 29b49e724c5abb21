// AttentionBF16: the attention tiles' products with bf16 operands on a bf16 tape (CBF16's tile products).

import CBF16

/// Where one worker's packed operands live in its stretch of words (see `cbf16_pack_rows` and friends), for
/// one (batch, kv head) item: K and V packed once per item in the layouts the products read, and each query
/// tile's operands packed per tile. Sizes in 32-bit words; hp = ⌈hd / 2⌉, sp = ⌈S / 2⌉, tp = ⌈tile / 2⌉.
struct AttentionPacking {
    let hd, s: Int
    var hp: Int { (hd + 1) / 2 }
    var sp: Int { (s + 1) / 2 }
    var tile: Int { AttentionGeometry.tile }
    var tp: Int { (tile + 1) / 2 }

    /// Kᵀ [hp, S] (scores), V as row pairs [sp, hd] (P·V), a query tile [tile, hp], P [tile, sp + 1].
    var forwardWords: Int { hp * s + sp * hd + tile * hp + tile * (sp + 1) }
    /// Kᵀ and Vᵀ [hp, S] each, K as row pairs [sp, hd]; per tile: Q and dO [tile, hp] each, Q and dO as row
    /// pairs [tp, hd] each, P and dS as row pairs [tp, S] each, dS [tile, sp + 1].
    var backwardWords: Int { 2 * hp * s + sp * hd + 2 * tile * hp + 2 * tp * hd + 2 * tp * s + tile * (sp + 1) }
}

extension AttentionGeometry {
    var packing: AttentionPacking { AttentionPacking(hd: hd, s: s) }

    /// `forward` with bf16 operands: S = scale · bf16(Q)·bf16(K)ᵀ, O = bf16(P)·bf16(V), sums in Float32, the
    /// softmax in Float32 as in `forward`. `words` has room for `packing.forwardWords`.
    func forwardBF16(item: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                     out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>?,
                     scores: UnsafeMutablePointer<Float>, words: UnsafeMutablePointer<UInt32>) {
        let bi = item / kvHeads, kh = item % kvHeads
        let kBase = k + bi * sMax * kvWidth + kh * hd, vBase = v + bi * sMax * kvWidth + kh * hd
        let pk = packing, hp = pk.hp
        let kt = words, vPairs = kt + hp * s, qRows = vPairs + pk.sp * hd, pRows = qRows + pk.tile * hp
        cbf16_pack_transposed(kBase, kvWidth, s, hd, kt, s)
        cbf16_pack_row_pairs(vBase, kvWidth, s, hd, vPairs, hd)
        forEachQueryTile(ofKVHead: kh) { h, rows in
            let qBase = q + bi * t * qWidth + h * hd, oBase = out + bi * t * qWidth + h * hd
            let i0 = rows.lowerBound, tq = rows.count
            let (lo, hi) = pairedKeyRange(i0, rows.upperBound), kn = hi - lo, kp = (kn + 1) / 2
            cbf16_pack_rows(qBase + i0 * qWidth, qWidth, tq, hd, qRows, hp)
            cbf16_tile_product(tq, kn, hp, qRows, hp, 1, kt + lo, s, scale, 0, scores, kn)
            normalize(scores, rows: rows, lo: lo, hi: hi, lse: lse.map { $0 + (bi * heads + h) * t })
            cbf16_pack_rows(scores, kn, tq, kn, pRows, kp)
            cbf16_tile_product(tq, hd, kp, pRows, kp, 1, vPairs + (lo / 2) * hd, hd, 1, 0, oBase + i0 * qWidth, qWidth)
        }
    }

    /// `backward` with bf16 operands in all five products (P recomputed as in forward); dS and the row dots in
    /// Float32. `words` has room for `packing.backwardWords`.
    func backwardBF16(item: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                      out: UnsafePointer<Float>, lse: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                      dq: UnsafeMutablePointer<Float>?, dk: UnsafeMutablePointer<Float>?, dv: UnsafeMutablePointer<Float>?,
                      rowDot: UnsafeMutablePointer<Float>, p: UnsafeMutablePointer<Float>, dp: UnsafeMutablePointer<Float>,
                      words: UnsafeMutablePointer<UInt32>) {
        let bi = item / kvHeads, kh = item % kvHeads
        let kvOff = bi * sMax * kvWidth + kh * hd
        let kBase = k + kvOff, vBase = v + kvOff
        let pk = packing, hp = pk.hp, tp = pk.tp
        let kt = words, vt = kt + hp * s, kPairs = vt + hp * s
        let qRows = kPairs + pk.sp * hd, dORows = qRows + pk.tile * hp
        let qPairs = dORows + pk.tile * hp, dOPairs = qPairs + tp * hd
        let pPairs = dOPairs + tp * hd, dSPairs = pPairs + tp * s, dSRows = dSPairs + tp * s
        cbf16_pack_transposed(kBase, kvWidth, s, hd, kt, s)
        cbf16_pack_transposed(vBase, kvWidth, s, hd, vt, s)
        cbf16_pack_row_pairs(kBase, kvWidth, s, hd, kPairs, hd)
        forEachQueryTile(ofKVHead: kh) { h, rows in
            let qOff = bi * t * qWidth + h * hd
            let lseH = lse + (bi * heads + h) * t, dotH = rowDot + (bi * heads + h) * t
            if rows.lowerBound == 0 { rowDots(out + qOff, dOut + qOff, into: dotH) }
            let i0 = rows.lowerBound, tq = rows.count, tqp = (tq + 1) / 2
            let (lo, hi) = pairedKeyRange(i0, rows.upperBound), kn = hi - lo, kp = (kn + 1) / 2
            let qTile = q + qOff + i0 * qWidth, dOTile = dOut + qOff + i0 * qWidth
            cbf16_pack_rows(qTile, qWidth, tq, hd, qRows, hp)
            cbf16_tile_product(tq, kn, hp, qRows, hp, 1, kt + lo, s, scale, 0, p, kn)
            probabilities(p, rows: rows, lo: lo, hi: hi, lse: lseH)
            if let dv {   // dV[lo..<hi] += Pᵀ · dO_tile
                cbf16_pack_row_pairs(p, kn, tq, kn, pPairs, kn)
                cbf16_pack_row_pairs(dOTile, qWidth, tq, hd, dOPairs, hd)
                cbf16_tile_product(kn, hd, tqp, pPairs, 1, kn, dOPairs, hd, 1, 1, dv + kvOff + lo * kvWidth, kvWidth)
            }
            guard dq != nil || dk != nil else { return }
            // dP = dO_tile · V[lo..<hi]ᵀ, then dS = P ∘ (dP − D) (into dp)
            cbf16_pack_rows(dOTile, qWidth, tq, hd, dORows, hp)
            cbf16_tile_product(tq, kn, hp, dORows, hp, 1, vt + lo, s, 1, 0, dp, kn)
            scoreGradients(p, dp, rows: rows, columns: kn, rowDot: dotH)
            if let dq {   // dQ_tile += scale · dS · K
                cbf16_pack_rows(dp, kn, tq, kn, dSRows, kp)
                cbf16_tile_product(tq, hd, kp, dSRows, kp, 1, kPairs + (lo / 2) * hd, hd, scale, 1,
                                   dq + qOff + i0 * qWidth, qWidth)
            }
            if let dk {   // dK[lo..<hi] += scale · dSᵀ · Q_tile
                cbf16_pack_row_pairs(dp, kn, tq, kn, dSPairs, kn)
                cbf16_pack_row_pairs(qTile, qWidth, tq, hd, qPairs, hd)
                cbf16_tile_product(kn, hd, tqp, dSPairs, 1, kn, qPairs, hd, scale, 1, dk + kvOff + lo * kvWidth, kvWidth)
            }
        }
    }

    /// `keyRange` with its first key rounded down to even, so the window starts on a pair of the packed K and V
    /// (the extra key, if any, is masked like any invisible one: its probability is 0).
    @inline(__always)
    func pairedKeyRange(_ i0: Int, _ i1: Int) -> (Int, Int) {
        let (lo, hi) = keyRange(i0, i1)
        return (lo & ~1, hi)
    }
}
