// Mistral: the decoder, read top to bottom — norm, attention, MLP, block, model.
//
// Every layer is a plain struct of parameter tensors, described once and computed two ways: `forward`
// records onto a `Tape` (training, full-sequence logits); the KV-cache decoder (`CachedForward.swift`)
// runs the same layers fused over preallocated buffers through `apply`, which sits beside `forward` for
// the two kinds of layer that hold weights (RMSNorm, Projection). Shapes are written beside each step:
// B batch, T new positions, S = cached + new positions, D hidden, H heads, KV kv heads, d head width,
// M MLP width, V vocabulary. Parameter names and layouts are Hugging Face's `MistralForCausalLM`, which
// `LlamaForCausalLM` and `Qwen2ForCausalLM` share (Qwen2 adds biases to q, k, v: `Projection.bias`).

import Autograd
import FileFormats
import Foundation
import SeededRandom

// MARK: - Norm

/// RMSNorm: y = x / sqrt(mean(x²) + eps) · weight, over the last dimension (D).
struct RMSNorm {
    let weight: Tensor  // [D], starts at 1
    let eps: Float

    func forward(_ tape: Tape, _ x: Tensor) -> Tensor {  // [B, T, D] → [B, T, D]
        tape.rmsNorm(x, weight: weight, eps: eps)
    }

    /// The decoder's form: `y[R, D]` = the norm of each of the `rows` rows of `x[R, D]`.
    func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int) {
        InferenceKernels.rmsNormRows(x, weight.data, y, rows: rows, d: weight.count, eps: eps)
    }
}

// MARK: - Projection

/// A linear layer, y = x·Wᵀ (+ b) with W [out, in] (`nn.Linear`'s layout) and an optional bias b [out]
/// (Qwen2's q, k, v). Both forward passes compute every projection through this one type, so a change to
/// how a projection computes (an adapter, another precision) is written once, here: under LoRA, W is frozen
/// (Float32, or quantized blocks in `quantized`, `weight` then an empty placeholder) and `adapter` adds
/// scale · B(A(dropout(x))).
struct Projection {
    let weight: Tensor  // [out, in]; [0] when `quantized` holds the frozen base
    let bias: Tensor?   // [out]
    var quantized: QuantizedMatrix? = nil
    var adapter: LoRAAdapter? = nil
    /// The decoder's bf16 copy of `weight` (`MistralModel.setDecodePrecision(.bf16)`), else empty.
    let bf16 = BF16Copy()

    init(weight: Tensor, bias: Tensor? = nil, quantized: QuantizedMatrix? = nil, adapter: LoRAAdapter? = nil) {
        self.weight = weight
        self.bias = bias
        self.quantized = quantized
        self.adapter = adapter
    }

    /// A weight that takes no gradient (a LoRA model's frozen base, its tied head included) goes through
    /// `loraLinear`'s frozen products, which compute no dW and, on a bf16 tape, round W once.
    func forward(_ tape: Tape, _ x: Tensor) -> Tensor {  // [B, T, in] → [B, T, out]
        let y = adapter == nil && quantized == nil && weight.requiresGrad ? tape.linear(x, weight)
            : tape.loraLinear(x, base: quantized.map { .quantized($0) } ?? .dense(weight), adapter: adapter?.factors)
        guard let bias else { return y }
        return tape.add(y, bias)
    }

    /// The decoder's form: `y[R, out] = x[R, in]·Wᵀ (+ b)`, or `y += x·Wᵀ (+ b)` with `accumulate` (a residual add),
    /// plus the adapter's low-rank term. The base product reads the quantized blocks when the base is quantized,
    /// else the bf16 copy when there is one (`xBits`: room for R·in bf16 values, used for a prompt's rows).
    func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool = false,
               xBits: UnsafeMutablePointer<UInt16>) {
        let outF = quantized?.rows ?? weight.shape[0]
        if let quantized {
            quantized.multiplyTransposed(x, count: rows, into: y, beta: accumulate ? 1 : 0)
        } else if let bits = bf16.bits {
            InferenceKernels.linearRowsBF16(x, bits, y, rows: rows, inF: weight.shape[1], outF: outF,
                                            beta: accumulate ? 1 : 0, xBits: xBits)
        } else {
            InferenceKernels.linearRows(x, weight.data, y, rows: rows, inF: weight.shape[1], outF: outF,
                                        beta: accumulate ? 1 : 0)
        }
        adapter?.factors.applyRows(x, y, rows: rows)
        guard let bias else { return }
        for r in 0..<rows {
            let yr = y + r * outF
            for j in 0..<outF { yr[j] += bias.data[j] }
        }
    }
}

// MARK: - Attention

/// Causal self-attention with rotary positions (Hugging Face's rotate_half layout) and grouped-query
/// heads: H query heads share KV key/value heads, query head h reading kv head h / (H / KV).
struct CausalSelfAttention {
    let qProj: Projection  // [H·d, D]
    let kProj: Projection  // [KV·d, D]
    let vProj: Projection  // [KV·d, D]
    let oProj: Projection  // [D, H·d]
    let heads: Int, kvHeads: Int, headDim: Int
    let ropeTheta: Float
    let slidingWindow: Int?

    /// `x` [B, T, D] → [B, T, D], positions 0..<T. (KV-cache inference runs the fused
    /// `MistralModel.forwardCached` instead, tested against this.)
    func forward(_ tape: Tape, _ x: Tensor) -> Tensor {
        let q = tape.rotaryEmbedding(qProj.forward(tape, x), headDim: headDim, theta: ropeTheta)  // [B, T, H·d]
        let k = tape.rotaryEmbedding(kProj.forward(tape, x), headDim: headDim, theta: ropeTheta)  // [B, T, KV·d]
        let v = vProj.forward(tape, x)                                                            // [B, T, KV·d]
        let y = tape.attention(query: q, key: k, value: v, heads: heads, kvHeads: kvHeads,
                               slidingWindow: slidingWindow)                                      // [B, T, H·d]
        return oProj.forward(tape, y)                                                             // [B, T, D]
    }
}

// MARK: - MLP

/// SwiGLU MLP: down(silu(gate(x)) ∘ up(x)).
struct MLP {
    let gateProj: Projection  // [M, D]
    let upProj: Projection    // [M, D]
    let downProj: Projection  // [D, M]

    func forward(_ tape: Tape, _ x: Tensor) -> Tensor {  // [B, T, D] → [B, T, D]
        let h = tape.swiglu(gate: gateProj.forward(tape, x), up: upProj.forward(tape, x))  // [B, T, M]
        return downProj.forward(tape, h)
    }
}

// MARK: - Block

/// One decoder layer: x + attention(norm(x)), then + mlp(norm(·)).
struct DecoderBlock {
    let inputNorm: RMSNorm
    let attention: CausalSelfAttention
    let postAttentionNorm: RMSNorm
    let mlp: MLP

    func forward(_ tape: Tape, _ x: Tensor) -> Tensor {
        let h = tape.add(x, attention.forward(tape, inputNorm.forward(tape, x)))
        return tape.add(h, mlp.forward(tape, postAttentionNorm.forward(tape, h)))
    }
}

// MARK: - Model

/// The Mistral-style decoder: token embedding, `numHiddenLayers` blocks, final RMSNorm, and an output
/// head tied to the embedding (logits = norm(h) · Eᵀ).
///
/// `parameters[i]` is the tensor of `config.parameterSpecs[i]` (Hugging Face name, shape, decay flag);
/// every parameter has a gradient buffer, so the model can be trained with `AdamW(parameters:decay:)`.
public final class MistralModel {
    public let config: MistralConfig
    /// All learnable tensors in `config.parameterSpecs` order.
    public let parameters: [Tensor]
    let embedding: Tensor  // [V, D]
    /// The output head, tied: the embedding as a projection D → V.
    let head: Projection
    let blocks: [DecoderBlock]
    let finalNorm: RMSNorm

    /// Name, shape and decay flag of each of `parameters`.
    public var parameterSpecs: [ParameterSpec] { config.parameterSpecs }
    /// AdamW weight-decay flags, one per parameter: true for the 2-D projection weights only.
    public var decayFlags: [Bool] { config.parameterSpecs.map(\.decays) }

    /// LoRA settings when the base is frozen under adapters (nil: every parameter trains).
    public let lora: LoRASettings?
    /// The adapters in model order (layer, then q, k, v, o, gate, up, down); empty without LoRA.
    public let adapters: [LoRAAdapter]
    /// What the optimizer updates: every parameter, or under LoRA each adapter's A and B.
    public let trainableParameters: [Tensor]
    /// Names of `trainableParameters` (Hugging Face names, or PEFT's adapter keys) and their decay flags.
    public let trainableNames: [String]
    public let trainableDecayFlags: [Bool]
    /// The weights file the frozen base came from (set by `loadLoRA`), referenced by adapter checkpoints.
    public internal(set) var base: BaseReference?
    let quantizedBase: [Int: QuantizedMatrix]
    let adapterOf: [Int: LoRAAdapter]

    /// A model with the given values; `weights[i]` fills `config.parameterSpecs[i]` (count must match).
    public convenience init(config: MistralConfig, weights: [[Float]]) {
        precondition(weights.count == config.parameterSpecs.count, "MistralModel: \(weights.count) weights for \(config.parameterSpecs.count) parameters")
        self.init(config: config, lora: nil) { weights[$0] }
    }

    /// A model whose parameter `i` is `weight(i)` (called once per parameter, in order, so a loader need not
    /// hold every tensor at once). With `lora`, the base is frozen (no gradient buffers), the projections
    /// are quantized when `lora.basePrecision` says so (precondition: `lora.quantizable(config)`), and
    /// zeroed adapters sit on the targeted projections (`initializeAdapters` draws A).
    init(config: MistralConfig, lora: LoRASettings?, weight: (Int) throws -> [Float]) rethrows {
        let specs = config.parameterSpecs
        self.config = config
        self.lora = lora
        var params: [Tensor] = []
        var quantized: [Int: QuantizedMatrix] = [:]
        for (i, spec) in specs.enumerated() {
            let values = try weight(i)
            precondition(values.count == spec.count, "MistralModel: \(values.count) values for \(spec.name) \(spec.shape)")
            if let format = lora?.basePrecision.format, LoRATarget(parameterName: spec.name) != nil {
                quantized[i] = values.withUnsafeBufferPointer {
                    QuantizedMatrix(quantizing: $0.baseAddress!, rows: spec.shape[0], columns: spec.shape[1], format: format)
                }
                params.append(Tensor(zeros: [0]))
            } else {
                params.append(Tensor(shape: spec.shape, scalars: values, requiresGrad: lora == nil))
            }
        }
        parameters = params
        quantizedBase = quantized
        var adapters: [LoRAAdapter] = []
        var adapterOf: [Int: LoRAAdapter] = [:]
        var next = 0
        func take() -> Tensor { next += 1; return params[next - 1] }
        func projection(biased: Bool = false) -> Projection {
            let i = next
            let w = take(), spec = specs[i]
            let bias = biased ? take() : nil
            var adapter: LoRAAdapter?
            if let lora, let target = LoRATarget(parameterName: spec.name), lora.targets.contains(target) {
                let a = LoRAAdapter(module: String(spec.name.dropLast(".weight".count)), inFeatures: spec.shape[1],
                                    outFeatures: spec.shape[0], settings: lora)
                adapters.append(a)
                adapterOf[i] = a
                adapter = a
            }
            return Projection(weight: w, bias: bias, quantized: quantized[i], adapter: adapter)
        }
        let eps = Float(config.rmsNormEps)
        embedding = take()
        head = Projection(weight: embedding)
        blocks = (0..<config.numHiddenLayers).map { _ in
            let inputNorm = RMSNorm(weight: take(), eps: eps)
            let q = projection(biased: config.qkvBias), k = projection(biased: config.qkvBias)
            let v = projection(biased: config.qkvBias), o = projection()
            let attention = CausalSelfAttention(
                qProj: q, kProj: k, vProj: v, oProj: o,
                heads: config.numAttentionHeads, kvHeads: config.numKeyValueHeads, headDim: config.headDim,
                ropeTheta: Float(config.ropeTheta), slidingWindow: config.slidingWindow)
            let postNorm = RMSNorm(weight: take(), eps: eps)
            let gate = projection(), up = projection(), down = projection()
            return DecoderBlock(inputNorm: inputNorm, attention: attention, postAttentionNorm: postNorm,
                                mlp: MLP(gateProj: gate, upProj: up, downProj: down))
        }
        finalNorm = RMSNorm(weight: take(), eps: eps)
        self.adapters = adapters
        self.adapterOf = adapterOf
        if lora == nil {
            trainableParameters = params
            trainableNames = specs.map(\.name)
            trainableDecayFlags = specs.map(\.decays)
        } else {
            trainableParameters = adapters.flatMap { [$0.a, $0.b] }
            trainableNames = adapters.flatMap { [$0.peftName("lora_A"), $0.peftName("lora_B")] }
            trainableDecayFlags = Array(repeating: true, count: 2 * adapters.count)
        }
    }

    /// A freshly initialised model, as `transformers` initialises Mistral: every matrix (embedding
    /// included) from N(0, initializer_range²), RMSNorm weights at 1, biases (Qwen2) at 0, the `pad_token_id` row of the
    /// embedding (when set) at 0. Values are drawn from
    /// `generator` in `parameterSpecs` order, row-major, so a seed fixes the model.
    public convenience init(config: MistralConfig, generator: inout SeededGenerator) {
        self.init(config: config, weights: config.parameterSpecs.map { [Float](repeating: 0, count: $0.count) })
        for (spec, p) in zip(config.parameterSpecs, parameters) {
            if spec.name.hasSuffix(".bias") {
                p.fill(0)
            } else if spec.shape.count == 1 {
                p.fill(1)
            } else {
                p.fillNormal(std: Float(config.initializerRange), using: &generator)
            }
        }
        // transformers zeroes the padding token's embedding row (nn.Embedding padding_idx).
        if let pad = config.padTokenId, pad >= 0, pad < config.vocabSize {
            (embedding.data + pad * config.hiddenSize).update(repeating: 0, count: config.hiddenSize)
        }
    }

    /// Loads a checkpoint directory (`config.json` + `model.safetensors`); errors name file and tensor.
    /// An adapter checkpoint (`LoRACheckpoint`) loads as its base with the adapters merged in.
    public static func load(checkpoint directory: URL) throws -> MistralModel {
        if LoRACheckpoint.isAdapterCheckpoint(directory) { return try loadLoRA(adapterCheckpoint: directory).merged() }
        let (config, weights) = try Checkpoint.read(directory: directory)
        return MistralModel(config: config, weights: weights)
    }

    /// Writes `config.json` + `model.safetensors` (and whatever `extra` adds) atomically to `directory`.
    public func save(to directory: URL, extra: (URL) throws -> Void = { _ in }) throws {
        try Checkpoint.write(to: directory, config: config, weights: weightBuffers, extra: extra)
    }

    /// Writes `config.json` + `model.safetensors` into an existing (temporary) directory.
    public func writeModelFiles(into directory: URL) throws {
        try Checkpoint.writeModelFiles(into: directory, config: config, weights: weightBuffers)
    }

    var weightBuffers: [UnsafeBufferPointer<Float>] {
        precondition(lora == nil, "a LoRA model is written as an adapter checkpoint (LoRACheckpoint) or merged()")
        return parameters.map { UnsafeBufferPointer(start: $0.data, count: $0.count) }
    }

    /// The final hidden states norm(h) for token ids `ids` ([batch, length] row-major), [B, T, D].
    func hidden(_ tape: Tape, ids: [Int32], batch: Int, length: Int) -> Tensor {
        var x = tape.embedding(embedding, ids: ids, batchShape: [batch, length])   // [B, T, D]
        for block in blocks { x = block.forward(tape, x) }
        return finalNorm.forward(tape, x)
    }

    /// Next-token logits for every position, [B, T, V], on `tape` (valid until `tape.reset()`).
    /// Preconditions: `ids.count == batch · length`, every id in 0..<vocabSize.
    public func logits(_ tape: Tape, ids: [Int32], batch: Int, length: Int) -> Tensor {
        head.forward(tape, hidden(tape, ids: ids, batch: batch, length: length))   // tied head: [B, T, V]
    }

    /// Mean cross-entropy of `targets` under the model, a scalar on `tape`; call `tape.backward` on it
    /// to fill every parameter's gradient.
    ///
    /// `ids` and `targets` are [batch, length] row-major and already aligned: `targets[b, t]` is the token
    /// that should follow `ids[b, ..t]` (so `targets[b, t] = ids[b, t + 1]` for plain next-token training),
    /// -100 where the position does not count (padding, prompt tokens in completion-only training).
    public func loss(_ tape: Tape, ids: [Int32], targets: [Int32], batch: Int, length: Int) -> Tensor {
        precondition(targets.count == ids.count, "loss: \(targets.count) targets for \(ids.count) ids")
        return tape.crossEntropy(logits: logits(tape, ids: ids, batch: batch, length: length), targets: targets)
    }

    // MARK: Inference with a KV cache

    /// Feeds `ids` ([cache.batch, length] row-major) after the positions already in `cache`, appends
    /// their keys and values to it, and returns the next-token logits after the last of them,
    /// [cache.batch, V] row-major — a view of `cache.logits`, overwritten by the next call.
    ///
    /// Prefill a prompt with one call (length = prompt length), then decode one token per sequence
    /// per call (length 1). A fused forward over the cache's own buffers (see `CachedForward.swift`): it
    /// records nothing and, once a call of this length has been made, allocates nothing.
    /// Throws when `ids` holds an id outside the vocabulary or the cache would overflow its capacity.
    @discardableResult
    public func advance(_ cache: KVCache, ids: [Int32], length: Int) throws -> UnsafeBufferPointer<Float> {
        precondition(ids.count == cache.batch * length, "advance: \(ids.count) ids for batch \(cache.batch) × length \(length)")
        precondition(cache.layers.count == blocks.count, "advance: cache made for another model")
        guard length > 0 else { throw InputError("advance: no tokens to feed") }
        guard cache.length + length <= cache.capacity else {
            throw InputError("sequence of \(cache.length + length) tokens exceeds the KV cache capacity \(cache.capacity)")
        }
        for id in ids where id < 0 || Int(id) >= config.vocabSize {
            throw InputError("token id \(id) is outside the vocabulary 0..<\(config.vocabSize)")
        }
        let run = { ids.withUnsafeBufferPointer { self.forwardCached(cache, ids: $0, length: length) } }
        if length > 1 { InferenceKernels.withBLASThreads(Parallel.workers, run) } else { run() }
        cache.length += length
        return UnsafeBufferPointer(start: cache.logits.data, count: cache.logits.count)
    }
}
