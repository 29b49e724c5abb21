/// One learnable tensor of the model: its Hugging Face name, shape and whether AdamW decays it.
public struct ParameterSpec: Equatable, Sendable {
    /// Hugging Face Mistral name, e.g. `model.layers.0.self_attn.q_proj.weight`.
    public var name: String
    /// Row-major shape; linear weights are `[out, in]` like `torch.nn.Linear`.
    public var shape: [Int]
    /// True for the 2-D projection weights (q/k/v/o, gate/up/down); false for the RMSNorm gains,
    /// the q/k/v biases and the tied embedding, which AdamW leaves undecayed.
    public var decays: Bool

    public var count: Int { shape.reduce(1, *) }
}

extension MistralConfig {
    /// Every parameter in model order: embedding; per layer input norm, q, k, v (each followed by its
    /// bias when `qkvBias`), o, post-attention norm, gate, up, down; final norm. The output head is the embedding, so it has no entry.
    public var parameterSpecs: [ParameterSpec] {
        let h = hiddenSize, q = numAttentionHeads * headDim, kv = numKeyValueHeads * headDim, m = intermediateSize
        var specs = [ParameterSpec(name: "model.embed_tokens.weight", shape: [vocabSize, h], decays: false)]
        for layer in 0..<numHiddenLayers {
            let p = "model.layers.\(layer)."
            specs.append(ParameterSpec(name: p + "input_layernorm.weight", shape: [h], decays: false))
            for (name, rows) in [("q_proj", q), ("k_proj", kv), ("v_proj", kv)] {
                specs.append(ParameterSpec(name: p + "self_attn.\(name).weight", shape: [rows, h], decays: true))
                if qkvBias { specs.append(ParameterSpec(name: p + "self_attn.\(name).bias", shape: [rows], decays: false)) }
            }
            specs += [
                ParameterSpec(name: p + "self_attn.o_proj.weight", shape: [h, q], decays: true),
                ParameterSpec(name: p + "post_attention_layernorm.weight", shape: [h], decays: false),
                ParameterSpec(name: p + "mlp.gate_proj.weight", shape: [m, h], decays: true),
                ParameterSpec(name: p + "mlp.up_proj.weight", shape: [m, h], decays: true),
                ParameterSpec(name: p + "mlp.down_proj.weight", shape: [h, m], decays: true),
            ]
        }
        specs.append(ParameterSpec(name: "model.norm.weight", shape: [h], decays: false))
        return specs
    }

    /// Number of learnable scalars (the tied head counted once).
    public var parameterCount: Int { parameterSpecs.reduce(0) { $0 + $1.count } }

    /// Training FLOPs per token, docs/benchmarks.md's formula: 6·N + 12·layers·context·hidden.
    public func trainingFLOPsPerToken(context: Int) -> Double {
        6 * Double(parameterCount) + 12 * Double(numHiddenLayers * context * hiddenSize)
    }
}
