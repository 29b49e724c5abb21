// LoRALinearFolded: `loraLinear` over a dense frozen base on a bf16 tape, the adapter folded into the base's
// two products so that neither the output nor dX is read and written a second time for the adapter.

extension Tape {
    /// y = [x | h] · [W | s·B]ᵀ with h = dropout(x) · Aᵀ, and dx (+)= [dy | dh] · [W ; A] with dh = s·dy·B:
    /// one bf16 product each way (as `loraLinear` documents), every operand rounded to bf16 as autocast
    /// rounds PEFT's `lora_A` / `lora_B` inputs and weights. h, dh, dA and dB are computed in Float32 from the
    /// unrounded x and dy. With dropout, dX's adapter term needs the mask, so it is added after the product.
    ///
    /// Shapes: `x` [..., in], W [out, in], A [r, in], B [out, r] → y [..., out].
    /// Precondition: a bf16 tape (`workspace` is its `bf16`).
    func foldedLoRALinear(_ x: Tensor, base w: Tensor, adapter: LoRAFactors, workspace: BF16Workspace) -> Tensor {
        let outF = w.shape[0], inF = w.shape[1], rows = x.rows
        let r = adapter.rank, a = adapter.a, b = adapter.b, scale = adapter.scale
        precondition(a.shape == [r, inF] && b.shape == [outF, r], "loraLinear: A \(a.shape), B \(b.shape) for W [\(outF), \(inF)]")
        let out = makeTensor(Array(x.shape.dropLast()) + [outF], requiresGrad: needsGrad(x, a, b))
        let p = isRecording ? adapter.dropout : 0
        let seed = adapter.seed
        let xd = p > 0 ? LoRAFactors.dropped(x, p: p, seed: seed, into: scratch(x.count)) : x.data
        let h = adapter.down(xd, rows: rows, into: scratch(rows * r))   // [R, r]

        // Forward: [x | h] [R, in + r] times [W | s·B] [out, in + r], transposed.
        let ld = inF + r
        let folded = workspace.frozenFolded(w, rank: r)
        let xh = workspace.paddedActivation(x, spare: r)
        BF16Workspace.convertRows(h, stride: r, into: xh + inF, stride: ld, rows: rows, columns: r)
        let scaledB = scratch(outF * r)
        for i in 0..<(outF * r) { scaledB[i] = scale * b.data[i] }
        BF16Workspace.convertRows(scaledB, stride: r, into: folded + inF, stride: ld, rows: outF, columns: r)
        bf16gemm(transA: false, transB: true, m: rows, n: outF, k: ld, a: xh, lda: ld, b: folded, ldb: ld,
                 beta: 0, c: out.data, ldc: outF)
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            guard let dh = adapter.backward(dy: dy, h: h, x: xd, rows: rows, tape: self, inputNeedsGradient: x.requiresGrad),
                  x.requiresGrad else { return }
            let (dx, overwrite) = self.gradientForWrite(of: x)
            // [dy | dh] [R, out + r] (dh only without dropout) times [W ; A] [out + r, in].
            let k = p == 0 ? outF + r : outF
            let dyh = workspace.gradientRows(rows * k)
            BF16Workspace.convertRows(dy, stride: outF, into: dyh, stride: k, rows: rows, columns: outF)
            if p == 0 {
                BF16Workspace.convertRows(dh, stride: r, into: dyh + outF, stride: k, rows: rows, columns: r)
                BF16Workspace.convertRows(a.data, stride: inF, into: folded + outF * ld, stride: ld, rows: r, columns: inF)
            }
            bf16gemm(transA: false, transB: false, m: rows, n: inF, k: k, a: dyh, lda: k, b: folded, ldb: ld,
                     beta: overwrite ? 0 : 1, c: dx, ldc: inF)
            if p > 0 { adapter.addDroppedInputGradient(dh, rows: rows, into: dx, scratch: self.scratch(rows * inF)) }
        }
        return out
    }
}

extension LoRAFactors {
    /// dst = dropout(x) under (p, seed): kept elements scaled by 1 / (1 − p). Returns dst.
    static func dropped(_ x: Tensor, p: Float, seed: UInt64, into dst: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        let px = x.data, keep = 1 / (1 - p)
        Parallel.forRanges(x.count, costPerItem: 8) { range in
            for i in range { dst[i] = keeps(i, seed: seed, dropout: p) ? px[i] * keep : 0 }
        }
        return dst
    }

    /// dx[R, in] += mask ∘ (dh[R, r] · A) / (1 − p), the adapter's share of dX under dropout; `t` is room for
    /// R · in floats.
    func addDroppedInputGradient(_ dh: UnsafePointer<Float>, rows: Int, into dx: UnsafeMutablePointer<Float>,
                                 scratch t: UnsafeMutablePointer<Float>) {
        let inF = a.shape[1], p = dropout, seed = seed
        sgemm(transA: false, transB: false, m: rows, n: inF, k: rank, a: dh, lda: rank, b: a.data, ldb: inF,
              beta: 0, c: t, ldc: inF)
        let keep = 1 / (1 - p)
        Parallel.forRanges(rows * inF, costPerItem: 8) { range in
            for i in range where LoRAFactors.keeps(i, seed: seed, dropout: p) { dx[i] += t[i] * keep }
        }
    }
}
