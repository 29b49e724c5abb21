// LoRALinear: y = x · Wᵀ + scale · (dropout(x) · Aᵀ) · Bᵀ over a frozen W (dense or quantized), one op.

import SeededRandom

/// The frozen weight of a linear layer, [out, in]: a Float32 tensor without gradient, or quantized blocks.
public enum FrozenWeight {
    case dense(Tensor)
    case quantized(QuantizedMatrix)

    public var outFeatures: Int {
        switch self { case .dense(let w): w.shape[0]; case .quantized(let q): q.rows }
    }
    public var inFeatures: Int {
        switch self { case .dense(let w): w.shape[1]; case .quantized(let q): q.columns }
    }

    /// y[R, out] = x[R, in] · Wᵀ (+ beta · y).
    public func multiplyTransposed(_ x: UnsafePointer<Float>, rows r: Int, into y: UnsafeMutablePointer<Float>, beta: Float) {
        switch self {
        case .dense(let w):
            sgemm(transA: false, transB: true, m: r, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                  b: w.data, ldb: inFeatures, beta: beta, c: y, ldc: outFeatures)
        case .quantized(let q): q.multiplyTransposed(x, count: r, into: y, beta: beta)
        }
    }

    /// dx[R, in] = dy[R, out] · W (+ beta · dx).
    public func multiply(_ dy: UnsafePointer<Float>, rows r: Int, into dx: UnsafeMutablePointer<Float>, beta: Float) {
        switch self {
        case .dense(let w):
            sgemm(transA: false, transB: false, m: r, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures,
                  b: w.data, ldb: inFeatures, beta: beta, c: dx, ldc: inFeatures)
        case .quantized(let q): q.multiply(dy, count: r, into: dx, beta: beta)
        }
    }
}

/// A low-rank adapter on a linear layer, as PEFT's `LoraLayer`: Δy = scale · B(A(dropout(x))).
public struct LoRAFactors {
    public let a: Tensor      // [r, in]  (PEFT's lora_A.weight)
    public let b: Tensor      // [out, r] (PEFT's lora_B.weight)
    /// alpha / r.
    public let scale: Float
    /// Probability of zeroing an input element (training only; kept elements are scaled by 1 / (1 − p)).
    public let dropout: Float
    /// Seeds the dropout mask (`LoRAFactors.keeps`); a new value per micro-batch.
    public let seed: UInt64

    public init(a: Tensor, b: Tensor, scale: Float, dropout: Float, seed: UInt64) {
        self.a = a; self.b = b; self.scale = scale; self.dropout = dropout; self.seed = seed
    }

    public var rank: Int { a.shape[0] }

    /// Whether dropout keeps element `i` of the row-major input under `seed` with probability 1 − p:
    /// a hash of (seed, i), so the mask is recomputed in backward instead of stored.
    @inline(__always)
    static func keeps(_ i: Int, seed: UInt64, dropout: Float) -> Bool {
        Float(SplitMix64.mix(seed &+ UInt64(i) &* 0xD1B5_4A32_D192_ED03) >> 40) * 0x1.0p-24 >= dropout
    }

    /// The decoder's form (no dropout): y[R, out] += scale · (x[R, in] · Aᵀ) · Bᵀ.
    public func applyRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int) {
        let r = rank, inF = a.shape[1], outF = b.shape[0]
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, rows * r)) { h in
            let h = h.baseAddress!
            sgemmSerial(transA: false, transB: true, m: rows, n: r, k: inF, a: x, lda: inF, b: a.data, ldb: inF, beta: 0, c: h, ldc: r)
            sgemmSerial(transA: false, transB: true, m: rows, n: outF, k: r, alpha: scale, a: h, lda: r, b: b.data, ldb: r,
                        beta: 1, c: y, ldc: outF)
        }
    }
}

extension Tape {
    /// y = x · Wᵀ + scale · (dropout(x) · Aᵀ) · Bᵀ, W frozen (no gradient is ever computed for it).
    ///
    /// Shapes: `x` [..., in], W [out, in], A [r, in], B [out, r] → y [..., out]. Without `adapter`, the plain
    /// product over the frozen (possibly quantized) W. Dropout applies on a recording tape only (PEFT's
    /// train mode); an inference tape computes the adapter without it.
    /// Backward: dB += scale · dyᵀ · h (h = dropout(x) · Aᵀ, kept from forward); dh = scale · dy · B;
    /// dA += dhᵀ · dropout(x); dx += dy · W + mask ∘ (dh · A) / (1 − p).
    /// On a bf16 tape the two products over W (forward and dx) take bf16 operands, as `linear`'s do, W rounded
    /// once for the tape's life (`BF16Workspace.frozen`). Over a dense W the adapter's up-projection and dX
    /// term are folded into those two products, in bf16 (`FoldedAdapter`); over a quantized W the adapter's
    /// rank-r products stay Float32.
    public func loraLinear(_ x: Tensor, base: FrozenWeight, adapter: LoRAFactors?) -> Tensor {
        let inF = base.inFeatures, outF = base.outFeatures
        precondition(x.rank >= 1 && x.lastDim == inF, "loraLinear: x \(x.shape) does not end in \(inF)")
        let rows = x.rows, outShape = Array(x.shape.dropLast()) + [outF]
        guard let adapter else {
            let out = makeTensor(outShape, requiresGrad: needsGrad(x))
            frozenForward(base, x, rows: rows, into: out.data)
            guard out.requiresGrad else { return out }
            record(out) { [unowned self] in
                guard let dy = out.grad else { return }
                let (dx, overwrite) = self.gradientForWrite(of: x)
                self.frozenBackward(base, dy, rows: rows, into: dx, beta: overwrite ? 0 : 1)
            }
            return out
        }
        let r = adapter.rank, a = adapter.a, b = adapter.b, scale = adapter.scale
        precondition(a.shape == [r, inF] && b.shape == [outF, r], "loraLinear: A \(a.shape), B \(b.shape) for W [\(outF), \(inF)]")
        let out = makeTensor(outShape, requiresGrad: needsGrad(x, a, b))
        let p = isRecording ? adapter.dropout : 0
        // xd = dropout(x) (x itself without dropout).
        let xd = p > 0 ? LoRAFactors.dropped(x, p: p, seed: adapter.seed, into: scratch(x.count)) : x.data
        let h = adapter.down(xd, rows: rows, into: scratch(rows * r))
        let folded = bf16.flatMap { FoldedAdapter(base: base, adapter: adapter, workspace: $0) }
        if let folded {
            folded.forward(x, h: h, rows: rows, into: out.data, scratch: scratch(outF * r))
        } else {
            frozenForward(base, x, rows: rows, into: out.data)
            sgemm(transA: false, transB: true, m: rows, n: outF, k: r, alpha: scale, a: h, lda: r, b: b.data, ldb: r,
                  beta: 1, c: out.data, ldc: outF)
        }
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            guard let dh = adapter.backward(dy: dy, h: h, x: xd, rows: rows, tape: self, inputNeedsGradient: x.requiresGrad),
                  x.requiresGrad else { return }
            let (dx, overwrite) = self.gradientForWrite(of: x)
            if let folded {
                folded.inputGradient(dy, dh: p == 0 ? dh : nil, rows: rows, into: dx, beta: overwrite ? 0 : 1)
            } else {
                self.frozenBackward(base, dy, rows: rows, into: dx, beta: overwrite ? 0 : 1)   // dy is read last here
                if p == 0 {
                    sgemm(transA: false, transB: false, m: rows, n: inF, k: r, a: dh, lda: r, b: a.data, ldb: inF,
                          beta: 1, c: dx, ldc: inF)
                }
            }
            if p > 0 { adapter.addDroppedInputGradient(dh, rows: rows, into: dx, scratch: self.scratch(rows * inF)) }
        }
        return out
    }
}

extension Tape {
    /// y[R, out] = x · Wᵀ over a frozen W, in this tape's precision (on a bf16 tape from x's cached bf16 copy).
    fileprivate func frozenForward(_ base: FrozenWeight, _ x: Tensor, rows: Int, into y: UnsafeMutablePointer<Float>) {
        if let bf16 {
            base.multiplyTransposed(bf16: bf16.activation(x), rows: rows, into: y, beta: 0, workspace: bf16)
        } else {
            base.multiplyTransposed(x.data, rows: rows, into: y, beta: 0)
        }
    }

    /// dx[R, in] (+)= dy[R, out] · W over a frozen W, in this tape's precision. On a bf16 tape dy is rounded to
    /// bf16 in place (as `linear` does): the caller must not read dy afterwards.
    fileprivate func frozenBackward(_ base: FrozenWeight, _ dy: UnsafeMutablePointer<Float>, rows: Int,
                                    into dx: UnsafeMutablePointer<Float>, beta: Float) {
        guard let bf16 else { return base.multiply(dy, rows: rows, into: dx, beta: beta) }
        let dyBits = BF16Workspace.roundInPlace(dy, count: rows * base.outFeatures)
        base.multiply(bf16: dyBits, rows: rows, into: dx, beta: beta, workspace: bf16)
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

    /// h[R, r] = x[R, in] · Aᵀ (the down-projection; x is dropout's output in training). Returns h.
    func down(_ x: UnsafePointer<Float>, rows: Int, into h: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        let inF = a.shape[1]
        sgemm(transA: false, transB: true, m: rows, n: rank, k: inF, a: x, lda: inF, b: a.data, ldb: inF, beta: 0, c: h, ldc: rank)
        return h
    }

    /// The adapter's backward short of its input's gradient: dB += scale · dyᵀ · h, dh = scale · dy · B,
    /// dA += dhᵀ · x (x as given to `down`), each factor's gradient only where it takes one. Returns dh [R, r]
    /// (in `tape`'s scratch), or nil when neither A nor the input needs it.
    func backward(dy: UnsafePointer<Float>, h: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int, tape: Tape,
                  inputNeedsGradient: Bool) -> UnsafeMutablePointer<Float>? {
        let r = rank, inF = a.shape[1], outF = b.shape[0]
        if b.requiresGrad {
            sgemm(transA: true, transB: false, m: outF, n: r, k: rows, alpha: scale, a: dy, lda: outF, b: h, ldb: r,
                  beta: 1, c: tape.gradient(of: b), ldc: r)
        }
        guard a.requiresGrad || inputNeedsGradient else { return nil }
        let dh = tape.scratch(rows * r)
        sgemm(transA: false, transB: false, m: rows, n: r, k: outF, alpha: scale, a: dy, lda: outF, b: b.data, ldb: r,
              beta: 0, c: dh, ldc: r)
        if a.requiresGrad {
            sgemm(transA: true, transB: false, m: r, n: inF, k: rows, a: dh, lda: r, b: x, ldb: inF,
                  beta: 1, c: tape.gradient(of: a), ldc: inF)
        }
        return dh
    }

    /// w[out, in] += scale · B · A: the adapter folded into a dense weight (merging for export).
    public func addDelta(into w: UnsafeMutablePointer<Float>) {
        let inF = a.shape[1], outF = b.shape[0]
        sgemm(transA: false, transB: false, m: outF, n: inF, k: rank, alpha: scale, a: b.data, lda: rank,
              b: a.data, ldb: inF, beta: 1, c: w, ldc: inF)
    }
}
