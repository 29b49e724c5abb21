// BF16Workspace: a tape's bf16 copies of product operands, and the bf16 product itself.

import CBF16

/// The bf16 operands of one tape's products, each in one reused slot (so bf16 adds about two operands'
/// worth of memory to a step, not a copy of the model):
/// - the most recent weight (rounded again when another weight is asked for: a step rounds each weight
///   twice, for its forward and its dX product, a few milliseconds against bf16 copies of every weight held
///   through the step);
/// - the most recent activation (q/k/v and gate/up read the same input one after another, and the two
///   backward products of one op run back to back).
/// Output gradients are rounded in place in their own buffers (`roundInPlace`). Holding the tensors keeps
/// them alive, so an identity cannot be reused by another tensor while cached.
///
/// Frozen weights (no gradient, never changed: a LoRA base) are the exception: each gets its own bf16 copy,
/// made at its first product and kept across `reset()` for the tape's life (2 bytes per frozen element), so
/// a LoRA step rounds no weight at all.
final class BF16Workspace {
    private let weightSlot = Slot()
    private let activationSlot = Slot()
    /// The most recent activation with spare columns for a folded adapter (`paddedActivation`).
    private let paddedSlot = Slot()
    /// A quantized frozen weight's current tile in bf16 (`tile(_:)`).
    private let tileBits = GrowableBF16Buffer()
    /// A folded adapter's [dy | dh] in bf16 (`gradientRows(_:)`).
    private let gradientBits = GrowableBF16Buffer()
    /// Attention's packed operands (`packedWords(_:)`).
    private let packedBits = GrowableBF16Buffer()
    /// bf16 copies of frozen weights by identity, each holding its tensor (so the identity stays unique).
    private var frozenCopies: [ObjectIdentifier: (owner: Tensor, bits: UnsafeMutablePointer<UInt16>)] = [:]
    /// bf16 copies of frozen weights with room for a folded adapter (`frozenFolded`), by identity.
    private var foldedCopies: [ObjectIdentifier: (owner: Tensor, rank: Int, bits: UnsafeMutablePointer<UInt16>)] = [:]

    deinit {
        for copy in frozenCopies.values { copy.bits.deallocate() }
        for copy in foldedCopies.values { copy.bits.deallocate() }
    }

    /// One reused bf16 copy and the tensor it was rounded from.
    private final class Slot {
        var owner: Tensor?
        var spare = 0
        let bits = GrowableBF16Buffer()

        /// The bf16 copy of `t`, rounded unless `t` is the tensor already held.
        func copy(of t: Tensor) -> UnsafePointer<UInt16> { UnsafePointer(copy(of: t, spare: 0)) }

        /// The bf16 copy of `t` [rows, n] as [rows, n + spare] (row stride n + spare; the spare columns are
        /// the caller's), rounded unless `t` is the tensor already held with the same `spare`.
        func copy(of t: Tensor, spare: Int) -> UnsafeMutablePointer<UInt16> {
            if owner === t && self.spare == spare { return bits.pointer }
            let out = bits.reserve(t.rows * (t.lastDim + spare))
            BF16Workspace.convertRows(t.data, stride: t.lastDim, into: out, stride: t.lastDim + spare,
                                      rows: t.rows, columns: t.lastDim)
            owner = t
            self.spare = spare
            return out
        }
    }

    /// Forgets the cached copies (the weights may change before the next product).
    func reset() {
        weightSlot.owner = nil
        activationSlot.owner = nil
        paddedSlot.owner = nil
    }

    /// The bf16 copy of weight `w`, valid until the next `weight(_:)` of another tensor or `reset()`.
    func weight(_ w: Tensor) -> UnsafePointer<UInt16> { weightSlot.copy(of: w) }

    /// The bf16 copy of frozen weight `w`, made once and valid for the workspace's life.
    /// Precondition: `w` takes no gradient and its values never change while this tape lives.
    func frozen(_ w: Tensor) -> UnsafePointer<UInt16> {
        precondition(!w.requiresGrad, "BF16Workspace.frozen: the weight \(w.shape) takes a gradient")
        if let copy = frozenCopies[ObjectIdentifier(w)] { return UnsafePointer(copy.bits) }
        let bits = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, w.count))
        BF16Workspace.convert(w.data, bits, count: w.count)
        frozenCopies[ObjectIdentifier(w)] = (w, bits)
        return UnsafePointer(bits)
    }

    /// A frozen weight W [out, in] in bf16 with room to fold a rank-r adapter into its two products:
    /// [out + r, in + r] row-major (row stride in + r), W in rows 0..<out, columns 0..<in, made once for the
    /// workspace's life. The caller writes bf16(scale·B) into rows 0..<out, columns in..<in + r before a
    /// forward product ([x | h] · [W | s·B]ᵀ) and bf16(A) into rows out..<out + r, columns 0..<in before a dX
    /// product ([dy | dh] · [W ; A]). The block at rows out..., columns in... is never read.
    /// Precondition: as `frozen(_:)`; one rank per weight.
    func frozenFolded(_ w: Tensor, rank r: Int) -> UnsafeMutablePointer<UInt16> {
        precondition(!w.requiresGrad, "BF16Workspace.frozenFolded: the weight \(w.shape) takes a gradient")
        if let copy = foldedCopies[ObjectIdentifier(w)] {
            precondition(copy.rank == r, "BF16Workspace.frozenFolded: rank \(r) after rank \(copy.rank)")
            return copy.bits
        }
        let outF = w.shape[0], inF = w.shape[1]
        let count = (outF + r) * (inF + r)
        let bits = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
        bits.initialize(repeating: 0, count: count)
        BF16Workspace.convertRows(w.data, stride: inF, into: bits, stride: inF + r, rows: outF, columns: inF)
        foldedCopies[ObjectIdentifier(w)] = (w, r, bits)
        return bits
    }

    /// The bf16 copy of activation `x` [..., n] as [rows, n + spare] (row stride n + spare), the spare columns
    /// free for the caller to write (a folded adapter's h). Valid until the next `paddedActivation` of another
    /// tensor or spare, or `reset()`.
    func paddedActivation(_ x: Tensor, spare: Int) -> UnsafeMutablePointer<UInt16> { paddedSlot.copy(of: x, spare: spare) }

    /// Room for `count` bf16 values, reused by every call (a quantized weight's tile, dequantized and rounded
    /// per product); valid until the next call.
    func tile(_ count: Int) -> UnsafeMutablePointer<UInt16> { tileBits.reserve(count) }

    /// Room for `count` bf16 values for one backward product's rounded output gradient (a folded adapter's
    /// [dy | dh]), reused by every call: valid until the next call.
    func gradientRows(_ count: Int) -> UnsafeMutablePointer<UInt16> { gradientBits.reserve(count) }

    /// Room for `count` 32-bit words (packed bf16 pairs: attention's tile operands), reused by every call: valid
    /// until the next call.
    func packedWords(_ count: Int) -> UnsafeMutablePointer<UInt32> {
        UnsafeMutableRawPointer(packedBits.reserve(2 * count)).assumingMemoryBound(to: UInt32.self)
    }

    /// The bf16 copy of activation `x`, valid until the next `activation(_:)` of another tensor or `reset()`.
    func activation(_ x: Tensor) -> UnsafePointer<UInt16> { activationSlot.copy(of: x) }

    /// Rounds the `count` floats at `p` to bf16 in place: the bf16 values end up packed at the start of the
    /// buffer (its first 2·count bytes, returned) and the floats are gone. Split over the workers: each
    /// rounds its own range into that range's first half (a value's bf16 lands at or before its own float,
    /// after it was read), then the ranges are moved down in order (each target ends before the next
    /// range's values begin).
    static func roundInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) -> UnsafePointer<UInt16> {
        let bits = UnsafeMutableRawPointer(p).assumingMemoryBound(to: UInt16.self)
        let chunks = count >= 32768 ? min(Parallel.workers, count) : 1
        let round = { (c: Int) in
            let r = Parallel.chunkRange(c, of: chunks, count: count)
            cbf16_convert(p + r.lowerBound, bits + 2 * r.lowerBound, r.count)
        }
        if chunks > 1 { Parallel.concurrently(chunks, round) } else { round(0) }
        for c in 1..<chunks {
            let r = Parallel.chunkRange(c, of: chunks, count: count)
            UnsafeMutableRawPointer(bits + r.lowerBound).copyMemory(from: bits + 2 * r.lowerBound, byteCount: 2 * r.count)   // memmove
        }
        return UnsafePointer(bits)
    }

    /// dst[i, j] = bf16(src[i, j]) for i in 0..<rows, j in 0..<columns, each matrix with its own row stride;
    /// split over the workers (as one run of rows · columns values when both are contiguous).
    static func convertRows(_ src: UnsafePointer<Float>, stride srcStride: Int, into dst: UnsafeMutablePointer<UInt16>,
                            stride dstStride: Int, rows: Int, columns: Int) {
        if srcStride == columns && dstStride == columns { return convert(src, dst, count: rows * columns) }
        Parallel.forRanges(rows, costPerItem: max(1, columns)) { r in
            for i in r { cbf16_convert(src + i * srcStride, dst + i * dstStride, columns) }
        }
    }

    /// Rounds `count` floats to bf16, split over the workers.
    static func convert(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int) {
        Parallel.forRanges(count, costPerItem: 1) { r in
            cbf16_convert(src + r.lowerBound, dst + r.lowerBound, r.count)
        }
    }
}

/// A reusable bf16 buffer that only grows.
private final class GrowableBF16Buffer {
    private(set) var pointer = UnsafeMutablePointer<UInt16>.allocate(capacity: 1)
    private var capacity = 1

    deinit { pointer.deallocate() }

    /// The buffer, at least `count` elements long (old contents are not kept when it grows).
    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt16> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }
        return pointer
    }
}

/// C = op(A) · op(B) + beta · C with bf16 A and B and Float32 C (row-major, strides as `sgemm`'s), through
/// oneDNN. beta is 0 or 1. Precondition: `BF16Products.isAvailable`.
@inline(__always)
func bf16gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
              a: UnsafePointer<UInt16>, lda: Int, b: UnsafePointer<UInt16>, ldb: Int,
              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) } }
        return
    }
    let status = cbf16_gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, b, ldb, beta, c, ldc)
    precondition(status == 0, "bf16 product [\(m), \(k)]·[\(k), \(n)] failed in oneDNN")
}
