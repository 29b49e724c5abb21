// GGUFModel: a Llama-family model as llama.cpp stores it, read into codetune's decoder.
//
// The metadata's `<arch>.*` keys give the config; each tensor `blk.N.attn_q.weight` … is the Hugging Face
// parameter `model.layers.N.self_attn.q_proj.weight` …, dequantized to Float32 (`GGUFFile.floats`, which
// refuses other tensor types in one line naming the tensor and its type). llama.cpp's converter permutes
// the rows of Llama's q and k weights (its RoPE rotates adjacent pairs, Hugging Face's rotates halves);
// `unpermuteRows` undoes it as `transformers`' GGUF loader does (`LlamaTensorProcessor._reverse_permute_weights`).

import FileFormats
import Foundation

/// What codetune reads from a GGUF file of one `general.architecture`.
struct GGUFArchitecture {
    /// `model_type` of the config it becomes.
    let modelType: String
    /// True when llama.cpp's converter permuted the q and k rows (Llama; not Qwen2, whose RoPE llama.cpp
    /// computes in Hugging Face's layout).
    let permutedQK: Bool

    static let known: [String: GGUFArchitecture] = [
        "llama": GGUFArchitecture(modelType: "llama", permutedQK: true),
        "qwen2": GGUFArchitecture(modelType: "qwen2", permutedQK: false),
    ]
}

extension MistralConfig {
    /// The config a GGUF file's metadata describes (`general.architecture` `llama` or `qwen2`): sizes from
    /// `<arch>.embedding_length`, `block_count`, `feed_forward_length`, `attention.head_count(_kv)`,
    /// `attention.key_length`, `context_length`, `rope.freq_base`, `attention.layer_norm_rms_epsilon`; the
    /// vocabulary from `token_embd.weight`; special ids from `tokenizer.ggml.*`. The head is tied (an
    /// `output.weight` must equal the embedding, checked on loading). Errors name the file and key.
    public init(gguf f: GGUFFile) throws {
        guard let arch = f.architecture else {
            throw InputError(file: f.path, key: "general.architecture", "missing: cannot tell which model the file holds")
        }
        guard let known = GGUFArchitecture.known[arch] else {
            throw InputError(file: f.path, key: "general.architecture",
                             "architecture \"\(arch)\" is not supported (only \(GGUFArchitecture.known.keys.sorted().joined(separator: ", ")))")
        }
        func has(_ key: String) -> Bool { f.metadata[arch + "." + key] != nil }
        func int(_ key: String) throws -> Int { try f.integer(arch + "." + key) }
        let heads = try int("attention.head_count")
        let hidden = try int("embedding_length")
        let headDim = has("attention.key_length") ? try int("attention.key_length") : (heads > 0 ? hidden / heads : 0)
        if has("rope.dimension_count"), try int("rope.dimension_count") != headDim {
            throw InputError(file: f.path, key: arch + ".rope.dimension_count",
                             "\(try int("rope.dimension_count")) differs from the head width \(headDim): partial rotary embeddings are not supported")
        }
        if has("rope.scaling.type"), let type = try? f.string(arch + ".rope.scaling.type"), type != "none" {
            throw InputError(file: f.path, key: arch + ".rope.scaling.type", "RoPE scaling \"\(type)\" is not supported (only none)")
        }
        func special(_ name: String) throws -> Int? {
            let key = "tokenizer.ggml.\(name)_token_id"
            return f.metadata[key] == nil ? nil : try f.integer(key)
        }
        self.init(vocabSize: try f.tensor("token_embd.weight").shape[0], hiddenSize: hidden,
                  intermediateSize: try int("feed_forward_length"), numHiddenLayers: try int("block_count"),
                  numAttentionHeads: heads,
                  numKeyValueHeads: has("attention.head_count_kv") ? try int("attention.head_count_kv") : heads,
                  headDim: headDim, maxPositionEmbeddings: try int("context_length"),
                  ropeTheta: has("rope.freq_base") ? try f.number(arch + ".rope.freq_base") : 10_000,
                  rmsNormEps: try f.number(arch + ".attention.layer_norm_rms_epsilon"),
                  slidingWindow: nil, tieWordEmbeddings: true,
                  bosTokenId: try special("bos"), eosTokenId: try special("eos"), padTokenId: try special("padding"),
                  modelType: known.modelType)
        try validate(file: f.path)
    }

    /// The GGUF tensor name of Hugging Face parameter `name` (`model.layers.3.mlp.up_proj.weight` →
    /// `blk.3.ffn_up.weight`), as llama.cpp's converter names it.
    static func ggufName(of name: String) -> String {
        if name == "model.embed_tokens.weight" { return "token_embd.weight" }
        if name == "model.norm.weight" { return "output_norm.weight" }
        let parts = name.split(separator: ".", maxSplits: 3).map(String.init)  // model, layers, N, rest
        guard parts.count == 4, parts[1] == "layers" else { return name }
        let renames = ["input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
                       "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
                       "post_attention_layernorm": "ffn_norm", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
                       "mlp.down_proj": "ffn_down"]
        let rest = parts[3]
        guard let dot = rest.lastIndex(of: ".") else { return name }
        let module = String(rest[..<dot]), suffix = String(rest[dot...])
        return "blk.\(parts[2]).\(renames[module] ?? module)\(suffix)"
    }
}

/// Undoes llama.cpp's q/k row permutation in place: `w` holds `heads` heads of `2·half` rows of width
/// `columns`; llama.cpp stored Hugging Face row `h·2·half + j·half + i` at `h·2·half + 2i + j` (j ∈ {0, 1}).
func unpermuteRows(_ w: inout [Float], heads: Int, columns: Int) {
    let rowsPerHead = w.count / columns / heads, half = rowsPerHead / 2
    let stored = w
    stored.withUnsafeBufferPointer { src in
        w.withUnsafeMutableBufferPointer { dst in
            for h in 0..<heads {
                for i in 0..<half {
                    for j in 0..<2 {
                        let from = (h * rowsPerHead + 2 * i + j) * columns, to = (h * rowsPerHead + j * half + i) * columns
                        for c in 0..<columns { dst[to + c] = src[from + c] }
                    }
                }
            }
        }
    }
}

extension Checkpoint {
    /// Reads the config and every parameter of a GGUF file, dequantized to Float32, q and k rows in
    /// Hugging Face's order. A tensor the config does not name, a missing one, a shape that disagrees, an
    /// unsupported tensor type, or an `output.weight` that is not the embedding each throw one line
    /// naming the file and tensor.
    /// - Returns: the config and the values of each `config.parameterSpecs` entry, in that order.
    public static func read(gguf url: URL) throws -> (config: MistralConfig, weights: [[Float]]) {
        let f = try GGUFFile(contentsOf: url)
        let config = try MistralConfig(gguf: f)
        let permutedQK = GGUFArchitecture.known[f.architecture ?? ""]?.permutedQK ?? false
        let specs = config.parameterSpecs
        let names = specs.map { MistralConfig.ggufName(of: $0.name) }
        let known = Set(names)
        for t in f.tensors where !known.contains(t.name) && t.name != "output.weight" {
            throw InputError(file: f.path, key: t.name,
                             "unexpected tensor: not part of the \(config.modelType) model the metadata describes (\(config.numHiddenLayers) layers)")
        }
        var weights: [[Float]] = []
        weights.reserveCapacity(specs.count)
        for (spec, name) in zip(specs, names) {
            var w = try f.floats(name, shape: spec.shape)
            if permutedQK, spec.shape.count == 2 {
                if name.hasSuffix(".attn_q.weight") { unpermuteRows(&w, heads: config.numAttentionHeads, columns: spec.shape[1]) }
                if name.hasSuffix(".attn_k.weight") { unpermuteRows(&w, heads: config.numKeyValueHeads, columns: spec.shape[1]) }
            }
            weights.append(w)
        }
        if f.tensors.contains(where: { $0.name == "output.weight" }),
           try f.floats("output.weight", shape: [config.vocabSize, config.hiddenSize]) != weights[0] {
            throw InputError(file: f.path, key: "output.weight",
                             "differs from token_embd.weight: codetune's output head is tied to the embedding, untied models are not supported")
        }
        return (config, weights)
    }

    /// True when `url` is a GGUF file (by its first four bytes, `GGUF`).
    public static func isGGUF(_ url: URL) -> Bool { GGUFFile.hasMagic(url) }
}

extension MistralModel {
    /// Loads a pretrained model: a GGUF file, or a checkpoint directory (codetune's own, or a Hugging
    /// Face directory of a Mistral, Llama or Qwen2 model: `config.json` + `model.safetensors` or shards).
    /// A LoRA stage's adapter checkpoint loads as its base with the adapters merged in.
    public static func load(pretrained url: URL) throws -> MistralModel {
        if LoRACheckpoint.isAdapterCheckpoint(url) { return try loadLoRA(adapterCheckpoint: url).merged() }
        let (config, weights) = Checkpoint.isGGUF(url) ? try Checkpoint.read(gguf: url) : try Checkpoint.read(directory: url)
        return MistralModel(config: config, weights: weights)
    }
}
