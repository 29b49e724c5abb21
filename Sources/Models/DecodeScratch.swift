// DecodeScratch: the activation buffers of KV-cache inference, allocated once per size and reused.

import Autograd

/// Row buffers of the fused cached forward for up to `rows` rows (batch · new positions), grown when a
/// call feeds more rows than any before (a longer prompt) and otherwise reused, so decoding token after
/// token allocates nothing.
final class DecodeScratch {
    let hidden, qWidth, kvWidth, mlp: Int
    /// Rows the buffers hold now.
    private(set) var rows = 0
    /// Residual stream x [rows, D], normed input h [rows, D], q [rows, H·d], new keys and values
    /// [rows, KV·d], attention output [rows, H·d], MLP gate (then silu(gate) ∘ up) and up [rows, M].
    private(set) var x, h, q, k, v, attention, gate, up: UnsafeMutablePointer<Float>
    /// Attention scores of one query row over every cached position, one row per worker thread,
    /// [workers, scoreStride] (workers as when the cache was made; rows padded by 8 for whole SIMD blocks).
    let scores: UnsafeMutablePointer<Float>
    /// Rows of `scores`: how many threads may attend at once.
    let scoreRows: Int
    /// Floats per row of `scores`: capacity + 8.
    let scoreStride: Int
    /// Final-normed last position of each sequence, [batch, D].
    let last: UnsafeMutablePointer<Float>
    /// A projection's input rounded to bf16 (bf16 decode weights, prompt rows), [rows, max(D, H·d, M)].
    private(set) var xBits: UnsafeMutablePointer<UInt16>

    init(config: MistralConfig, batch: Int, capacity: Int) {
        hidden = config.hiddenSize
        qWidth = config.numAttentionHeads * config.headDim
        kvWidth = config.numKeyValueHeads * config.headDim
        mlp = config.intermediateSize
        (x, h, q, k, v, attention, gate, up) = (.allocate(capacity: 1), .allocate(capacity: 1), .allocate(capacity: 1),
            .allocate(capacity: 1), .allocate(capacity: 1), .allocate(capacity: 1), .allocate(capacity: 1), .allocate(capacity: 1))
        scoreRows = Parallel.workers
        scoreStride = capacity + 8
        scores = .allocate(capacity: scoreStride * scoreRows)
        last = .allocate(capacity: max(batch * hidden, 1))
        xBits = .allocate(capacity: max(batch * max(hidden, qWidth, mlp), 1))
    }

    deinit {
        for p in [x, h, q, k, v, attention, gate, up, scores, last] { p.deallocate() }
        BF16Products.quiesceDecodingHelper()
        xBits.deallocate()
    }

    /// Makes every row buffer hold at least `n` rows.
    func reserve(rows n: Int) {
        guard n > rows else { return }
        for p in [x, h, q, k, v, attention, gate, up] { p.deallocate() }
        x = .allocate(capacity: n * hidden)
        h = .allocate(capacity: n * hidden)
        q = .allocate(capacity: n * qWidth)
        k = .allocate(capacity: n * kvWidth)
        v = .allocate(capacity: n * kvWidth)
        attention = .allocate(capacity: n * qWidth)
        gate = .allocate(capacity: n * mlp)
        up = .allocate(capacity: n * mlp)
        BF16Products.quiesceDecodingHelper()
        xBits.deallocate()
        xBits = .allocate(capacity: n * max(hidden, qWidth, mlp))
        rows = n
    }
}
