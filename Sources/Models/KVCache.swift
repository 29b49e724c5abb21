import Autograd
import Foundation

/// The keys and values of every layer for the positions fed so far, for decoding one token at a time
/// with `MistralModel.advance`. Memory is allocated here, up front: `capacity` positions for each of
/// `batch` sequences, the RoPE table of those positions, and the forward's activation buffers (grown once
/// for the longest call, e.g. the prompt), so decoding allocates nothing per token.
///
/// The sequences of a batch advance together (same number of positions each); reuse a cache for a new
/// prompt with `reset()`.
public final class KVCache {
    public let batch: Int
    /// Most positions (prompt + generated) each sequence can hold.
    public let capacity: Int
    /// Positions held so far (the same for every sequence in the batch).
    public internal(set) var length = 0
    let layers: [LayerCache]
    /// Next-token logits of the last `advance`, [batch, vocab].
    let logits: Tensor
    /// RoPE angles of every position the cache can hold: cos and sin, [capacity, headDim / 2] each.
    let rope: RotaryTable
    /// Activations of the fused forward, grown to the largest call and then reused.
    let scratch: DecodeScratch

    /// A cache for `config`'s model: `batch` sequences of up to `capacity` positions
    /// (default `max_position_embeddings`).
    public init(config: MistralConfig, batch: Int = 1, capacity: Int? = nil) {
        precondition(batch > 0, "KVCache: batch must be positive")
        let capacity = capacity ?? config.maxPositionEmbeddings
        precondition(capacity > 0, "KVCache: capacity must be positive")
        self.batch = batch
        self.capacity = capacity
        let width = config.numKeyValueHeads * config.headDim
        layers = (0..<config.numHiddenLayers).map { _ in LayerCache(batch: batch, capacity: capacity, width: width) }
        logits = Tensor(zeros: [batch, config.vocabSize])
        rope = RotaryTable(positions: capacity, headDim: config.headDim, theta: Float(config.ropeTheta))
        scratch = DecodeScratch(config: config, batch: batch, capacity: capacity)
    }

    /// Forgets every position (keeps the memory).
    public func reset() { length = 0 }

    /// Makes every sequence of this cache a copy of the single sequence in `source` (its keys, values,
    /// length and last logits), so n samples of one prompt prefill it once:
    ///
    ///     let one = KVCache(config: c, batch: 1, capacity: cap)
    ///     try model.advance(one, ids: prompt, length: prompt.count)
    ///     many.replicate(one)          // many.batch == n; now decode n continuations together
    ///
    /// Preconditions: `source.batch == 1`, same model shape, `source.length <= capacity`.
    public func replicate(_ source: KVCache) {
        precondition(source.batch == 1, "KVCache.replicate: source must hold one sequence")
        precondition(source.layers.count == layers.count && source.logits.shape[1] == logits.shape[1]
                     && source.layers.first?.width == layers.first?.width, "KVCache.replicate: caches of different models")
        precondition(source.length <= capacity, "KVCache.replicate: \(source.length) positions exceed capacity \(capacity)")
        for (dst, src) in zip(layers, source.layers) {
            for b in 0..<batch { dst.copySequence(b, from: src, sequence: 0, positions: source.length) }
        }
        let v = logits.shape[1]
        for b in 0..<batch { (logits.data + b * v).update(from: source.logits.data, count: v) }
        length = source.length
    }

    /// Next-token logits of the last `advance` (or `replicate`), [batch, vocab] row-major.
    public var lastLogits: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: logits.data, count: logits.count) }

    /// Positions that can still be fed.
    public var remaining: Int { capacity - length }

    /// Bytes held by the keys and values.
    public var bytes: Int { layers.count * 2 * batch * capacity * (layers.first?.width ?? 0) * MemoryLayout<Float>.size }
}

/// One layer's cache: keys (after RoPE) and values of every sequence.
///
/// Keys are stored transposed, [batch, KV·d, keyStride] (each feature's row of positions, padded by 8 so
/// the attention kernel reads whole SIMD blocks), so the scores of a query over all positions are axpy's
/// over contiguous rows (see `InferenceKernels.attendCached`); values are [batch, capacity, KV·d] (each
/// position's row), as the weighted sum over positions reads them.
final class LayerCache {
    let keys: Tensor
    let values: Tensor
    let capacity: Int
    /// KV·d, the features of one position.
    let width: Int
    /// Row stride of the transposed keys: capacity + 8.
    let keyStride: Int

    init(batch: Int, capacity: Int, width: Int) {
        keyStride = capacity + 8
        keys = Tensor(zeros: [batch, width, capacity + 8])
        values = Tensor(zeros: [batch, capacity, width])
        self.capacity = capacity
        self.width = width
    }

    /// Sequence `b`'s transposed keys [KV·d, keyStride] and values [capacity, KV·d].
    func sequence(_ b: Int) -> (keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>) {
        (keys.data + b * width * keyStride, values.data + b * capacity * width)
    }

    /// Writes new keys and values, [B, T, KV·d] row-major, at positions `start..<start + T` of every sequence.
    func append(keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, batch b: Int, length t: Int, at start: Int) {
        precondition(start + t <= capacity, "LayerCache: \(start + t) positions exceed capacity \(capacity)")
        for i in 0..<b {
            let (kt, vs) = sequence(i)
            (vs + start * width).update(from: v + i * t * width, count: t * width)
            for pos in 0..<t {
                let src = k + (i * t + pos) * width
                for f in 0..<width { kt[f * keyStride + start + pos] = src[f] }
            }
        }
    }

    /// Copies the first `positions` positions of `source`'s sequence `s` into sequence `b` of this cache.
    func copySequence(_ b: Int, from source: LayerCache, sequence s: Int, positions: Int) {
        let (dk, dv) = sequence(b), (sk, sv) = source.sequence(s)
        for f in 0..<width { (dk + f * keyStride).update(from: sk + f * source.keyStride, count: positions) }
        dv.update(from: sv, count: positions * width)
    }
}

/// cos and sin of RoPE's angles for positions 0..<positions, [positions, headDim / 2] each, computed as
/// `transformers` does in float32 (angle = Float(position) · invFreq[i], invFreq[i] = θ^(−2i / headDim))
/// and as `Tape.rotaryEmbedding` does, so cached decoding rotates exactly like the training forward.
final class RotaryTable {
    let cos: UnsafeMutablePointer<Float>
    let sin: UnsafeMutablePointer<Float>
    let half: Int

    init(positions: Int, headDim: Int, theta: Float) {
        half = headDim / 2
        cos = .allocate(capacity: max(1, positions * half))
        sin = .allocate(capacity: max(1, positions * half))
        for i in 0..<half {
            let invFreq = 1 / powf(theta, Float(2 * i) / Float(headDim))
            for p in 0..<positions {
                let angle = Double(Float(p) * invFreq)
                cos[p * half + i] = Float(Foundation.cos(angle))
                sin[p * half + i] = Float(Foundation.sin(angle))
            }
        }
    }

    deinit { cos.deallocate(); sin.deallocate() }
}
