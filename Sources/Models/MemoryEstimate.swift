import FileFormats
import Foundation

/// Rough peak-memory estimates of training and sampling, and the memory this machine gives the process,
/// so work that cannot fit is refused with one line before it allocates (instead of being OOM-killed or
/// aborting with "failed to allocate" later). Estimates count fp32 tensors only and err on the low side:
/// a refusal means the work certainly does not fit.
public enum MemoryEstimate {
    /// Bytes the process may use: physical memory, or the cgroup (v2 or v1) limit when lower.
    public static var available: Int {
        var limit = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value > 0 {
                limit = min(limit, value)
            }
        }
        return limit
    }

    /// Bytes of one fp32 copy of the weights.
    public static func weights(_ c: MistralConfig) -> Int {
        c.parameterCount.multipliedClamped(4)
    }

    /// KV cache, logits and row buffers of one sequence of `positions` positions while sampling.
    public static func samplingPerSequence(_ c: MistralConfig, positions: Int) -> Int {
        let kv = c.numHiddenLayers.multipliedClamped(2).multipliedClamped(c.numKeyValueHeads * c.headDim).multipliedClamped(positions)
        let rows = 2 * c.hiddenSize + 2 * c.numAttentionHeads * c.headDim + 2 * c.numKeyValueHeads * c.headDim + 2 * c.intermediateSize
        return kv.addingClamped(c.vocabSize).addingClamped(rows).multipliedClamped(4)
    }

    /// Peak of sampling `n` sequences of up to `positions` positions (prefill cache of one sequence plus a
    /// decoding cache of `n`, with the prompt's row buffers), weights included.
    public static func sampling(_ c: MistralConfig, n: Int, positions: Int) -> Int {
        let rows = 2 * c.hiddenSize + 2 * c.numAttentionHeads * c.headDim + 2 * c.numKeyValueHeads * c.headDim + 2 * c.intermediateSize
        return weights(c).addingClamped(samplingPerSequence(c, positions: positions).multipliedClamped(n.addingClamped(1)))
            .addingClamped(positions.multipliedClamped(rows).multipliedClamped(4))
    }

    /// Peak of one training step at `batch` sequences of `context` positions: weights, gradients and the two
    /// AdamW moments (4 copies), plus activations kept for the backward pass — per layer and token the
    /// residual, norms, projections and MLP, and the attention scores and probabilities of every head.
    public static func training(_ c: MistralConfig, batch: Int, context: Int) -> Int {
        let d = c.hiddenSize, q = c.numAttentionHeads * c.headDim, kv = c.numKeyValueHeads * c.headDim
        let perToken = (6 * d + 3 * q + 2 * kv + 4 * c.intermediateSize).multipliedClamped(c.numHiddenLayers)
            .addingClamped(2 * c.vocabSize)
        let attention = c.numHiddenLayers.multipliedClamped(2 * c.numAttentionHeads).multipliedClamped(context)
        let tokens = batch.multipliedClamped(context)
        return weights(c).multipliedClamped(4)
            .addingClamped(tokens.multipliedClamped(perToken.addingClamped(attention)).multipliedClamped(4))
    }

    /// "~23 GB" / "~512 MB": a byte count for a message.
    public static func describe(_ bytes: Int) -> String {
        let gb = Double(bytes) / 1e9
        if gb >= 1 { return gb >= 100 ? "~\(Int(gb.rounded())) GB" : String(format: "~%.1f GB", gb) }
        return "~\(max(1, Int((Double(bytes) / 1e6).rounded()))) MB"
    }

    /// Throws `InputError(file: place, "WHAT VALUE needs ~X for PURPOSE; at most N fit in this machine's memory (~Y)")`
    /// when `needed(value)` exceeds the available memory. `needed` must grow with its argument; the largest
    /// value that fits is found by bisection.
    public static func requireFits(_ what: String, value: Int, for purpose: String, place: String? = nil,
                                   available: Int = MemoryEstimate.available, needed: (Int) -> Int) throws {
        let need = needed(value)
        guard need > available else { return }
        var lo = 0, hi = value
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2
            if needed(mid) <= available { lo = mid } else { hi = mid - 1 }
        }
        let most = lo == 0 ? "not even 1 fits" : "at most \(lo) fit"
        throw InputError(file: place, "\(what) \(value) needs \(describe(need)) for \(purpose); \(most) in this machine's memory (\(describe(available)))")
    }
}

extension Int {
    /// `self + other`, stopping at `Int.max` instead of trapping.
    func addingClamped(_ other: Int) -> Int {
        let (r, overflow) = addingReportingOverflow(other)
        return overflow ? .max : r
    }

    /// `self · other`, stopping at `Int.max` instead of trapping.
    func multipliedClamped(_ other: Int) -> Int {
        let (r, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : r
    }
}
