// DecodePrecision: bf16 copies of the projection weights for the KV-cache decoder.

import Autograd

/// One projection weight rounded to bf16 for the decoder, or nothing (the decoder then reads Float32).
final class BF16Copy {
    private(set) var bits: UnsafeMutablePointer<UInt16>?

    deinit { release() }

    /// Rounds `weight` to bf16 (nearest even) into this copy.
    func fill(from weight: Tensor) {
        release()
        let p = UnsafeMutablePointer<UInt16>.allocate(capacity: max(weight.count, 1))
        BF16Products.round(weight.data, into: p, count: weight.count)
        bits = p
    }

    func clear() { release() }

    /// Frees the copy once the decoder's helper thread no longer reads it.
    private func release() {
        guard let old = bits else { return }
        BF16Products.quiesceDecodingHelper()
        old.deallocate()
        bits = nil
    }
}

extension MistralModel {
    /// Every projection the decoder runs: the tied head, then each block's q, k, v, o, gate, up, down.
    var projections: [Projection] {
        [head] + blocks.flatMap { b in
            [b.attention.qProj, b.attention.kProj, b.attention.vProj, b.attention.oProj,
             b.mlp.gateProj, b.mlp.upProj, b.mlp.downProj]
        }
    }

    /// The arithmetic of the KV-cache decoder's projections (`advance`): `.fp32` (the default) reads the
    /// Float32 weights; `.bf16` reads bf16 copies made now (half the bytes per token) and rounds each
    /// product's input to bf16, products summed in Float32, as `Tape(precision: .bf16)`'s `linear` (see
    /// `InferenceKernels.linearRowsBF16`). The copies are a snapshot: call this again after
    /// the weights change (training), or set `.fp32`. Embedding lookups, norms, RoPE and attention stay
    /// Float32. Precondition for `.bf16`: `BF16Products.isAvailable` (resolve with `PrecisionSetting`).
    public func setDecodePrecision(_ precision: MatmulPrecision) {
        precondition(precision == .fp32 || BF16Products.isAvailable,
                     "setDecodePrecision: bf16 products unavailable (\(BF16Products.unavailableReason))")
        for p in projections {
            if precision == .bf16 { p.bf16.fill(from: p.weight) } else { p.bf16.clear() }
        }
    }

    /// The arithmetic the decoder's projections use now.
    public var decodePrecision: MatmulPrecision { head.bf16.bits == nil ? .fp32 : .bf16 }
}
