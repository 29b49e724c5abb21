// FoldedAdapter: a LoRA adapter carried inside the two bf16 products over its dense frozen base, so that
// neither the output nor dX is read and written a second time for the adapter (`Tape.loraLinear`).

/// The adapter's share of y and dX folded into the base's products, on a bf16 tape over a dense W:
/// y = [x | h] · [W | s·B]ᵀ and dX (+)= [dy | dh] · [W ; A], one bf16 product each way, every operand rounded
/// to bf16 as autocast rounds PEFT's `lora_A` / `lora_B` inputs and weights. h and dh come from the caller in
/// Float32 (from the unrounded x and dy).
///
/// Shapes: W [out, in], A [r, in], B [out, r]; W's bf16 copy is [out + r, in + r] (`BF16Workspace.frozenFolded`).
struct FoldedAdapter {
    let workspace: BF16Workspace
    let adapter: LoRAFactors
    let inF, outF: Int
    /// [out + r, in + r], row stride in + r.
    let bits: UnsafeMutablePointer<UInt16>

    /// nil unless `base` is dense (a quantized base keeps the adapter's products in Float32).
    init?(base: FrozenWeight, adapter: LoRAFactors, workspace: BF16Workspace) {
        guard case .dense(let w) = base else { return nil }
        self.workspace = workspace
        self.adapter = adapter
        outF = w.shape[0]; inF = w.shape[1]
        bits = workspace.frozenFolded(w, rank: adapter.rank)
    }

    private var r: Int { adapter.rank }
    private var ld: Int { inF + r }

    /// y[R, out] = [x | h] · [W | s·B]ᵀ, h [R, r]; `scratch` has room for out · r floats (s·B).
    func forward(_ x: Tensor, h: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
                 scratch scaledB: UnsafeMutablePointer<Float>) {
        let xh = workspace.paddedActivation(x, spare: r)
        BF16Workspace.convertRows(h, stride: r, into: xh + inF, stride: ld, rows: rows, columns: r)
        let b = adapter.b.data, scale = adapter.scale
        for i in 0..<(outF * r) { scaledB[i] = scale * b[i] }
        BF16Workspace.convertRows(scaledB, stride: r, into: bits + inF, stride: ld, rows: outF, columns: r)
        bf16gemm(transA: false, transB: true, m: rows, n: outF, k: ld, a: xh, lda: ld, b: bits, ldb: ld,
                 beta: 0, c: y, ldc: outF)
    }

    /// dx[R, in] (+)= [dy | dh] · [W ; A] (beta 0 or 1), or dy · W alone when `dh` is nil (under dropout, whose
    /// mask the caller applies to the adapter's term).
    func inputGradient(_ dy: UnsafePointer<Float>, dh: UnsafePointer<Float>?, rows: Int,
                       into dx: UnsafeMutablePointer<Float>, beta: Float) {
        let k = dh == nil ? outF : outF + r
        let dyh = workspace.gradientRows(rows * k)
        BF16Workspace.convertRows(dy, stride: outF, into: dyh, stride: k, rows: rows, columns: outF)
        if let dh {
            BF16Workspace.convertRows(dh, stride: r, into: dyh + outF, stride: k, rows: rows, columns: r)
            BF16Workspace.convertRows(adapter.a.data, stride: inF, into: bits + outF * ld, stride: ld, rows: r, columns: inF)
        }
        bf16gemm(transA: false, transB: false, m: rows, n: inF, k: k, a: dyh, lda: k, b: bits, ldb: ld,
                 beta: beta, c: dx, ldc: inF)
    }
}
