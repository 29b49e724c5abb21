import FileFormats
import Foundation

/// The shape of a Mistral-style decoder, with Hugging Face's `MistralConfig` names in `config.json`,
/// so a checkpoint written here loads in `transformers` and one written there loads here.
///
/// The Llama family shares the layout: `model_type` `llama` (no sliding window; `attention_bias` and
/// `mlp_bias` must be false) and `qwen2` (biases on q, k and v; `use_sliding_window` must be false) read
/// into the same struct, and are written back under their own `model_type` and architecture.
///
/// Reads both the transformers 4 spelling (`rope_theta`, `torch_dtype`) and the transformers 5 one
/// (`rope_parameters.rope_theta`, `dtype`); writes both, so either version loads what we write.
/// Keys we do not use (`attention_dropout`, `use_cache`, ...) are ignored on reading.
public struct MistralConfig: Equatable, Sendable {
    public var vocabSize: Int
    public var hiddenSize: Int
    /// Width of the SwiGLU MLP's hidden layer.
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Key/value heads for grouped-query attention; query head `h` reads kv head `h / (heads / kvHeads)`.
    public var numKeyValueHeads: Int
    /// Width of one attention head; `hiddenSize / numAttentionHeads` unless `head_dim` says otherwise.
    public var headDim: Int
    public var maxPositionEmbeddings: Int
    /// RoPE base θ: pair `i` of a head rotates by `position · θ^(-2i / headDim)` radians.
    public var ropeTheta: Double
    public var rmsNormEps: Double
    /// Each query attends to at most this many most recent positions (itself included); nil = all.
    public var slidingWindow: Int?
    /// The output head is the embedding matrix. codetune always ties; an untied Hugging Face
    /// checkpoint loads only if its `lm_head.weight` equals the embedding.
    public var tieWordEmbeddings: Bool
    public var bosTokenId: Int?
    /// The first end-of-sequence id; `additionalEosTokenIds` holds the rest when `eos_token_id` is a list.
    public var eosTokenId: Int?
    public var additionalEosTokenIds: [Int] = []
    public var padTokenId: Int?
    /// Standard deviation of the normal init of every matrix (transformers' `initializer_range`).
    public var initializerRange: Double
    /// `model_type`: "mistral" (codetune's own models), "llama" or "qwen2"; written back as read.
    public var modelType: String
    /// `hidden_act` as read; only "silu" is supported.
    public var hiddenAct: String

    public init(vocabSize: Int, hiddenSize: Int, intermediateSize: Int, numHiddenLayers: Int,
                numAttentionHeads: Int, numKeyValueHeads: Int, headDim: Int? = nil,
                maxPositionEmbeddings: Int, ropeTheta: Double = 10_000, rmsNormEps: Double = 1e-5,
                slidingWindow: Int? = nil, tieWordEmbeddings: Bool = true,
                bosTokenId: Int? = nil, eosTokenId: Int? = nil, padTokenId: Int? = nil,
                initializerRange: Double = 0.02, modelType: String = "mistral") {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads
        self.headDim = headDim ?? (numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0)
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.ropeTheta = ropeTheta
        self.rmsNormEps = rmsNormEps
        self.slidingWindow = slidingWindow
        self.tieWordEmbeddings = tieWordEmbeddings
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.padTokenId = padTokenId
        self.initializerRange = initializerRange
        self.modelType = modelType
        self.hiddenAct = "silu"
    }

    /// The model types this decoder can hold, with their `architectures` entry.
    public static let architectures = ["mistral": "MistralForCausalLM", "llama": "LlamaForCausalLM",
                                       "qwen2": "Qwen2ForCausalLM"]

    /// True when q, k and v projections carry a bias (Qwen2).
    public var qkvBias: Bool { modelType == "qwen2" }

    /// Every id that ends a sequence: `eos_token_id` and the rest of its list.
    public var eosTokenIds: [Int] { (eosTokenId.map { [$0] } ?? []) + additionalEosTokenIds }

    /// docs/benchmarks.md's reference shape for speed figures: vocab 4096, hidden 256, 4 layers, 8 heads,
    /// 4 kv heads, MLP 768, context 256.
    public static let reference = MistralConfig(
        vocabSize: 4096, hiddenSize: 256, intermediateSize: 768, numHiddenLayers: 4,
        numAttentionHeads: 8, numKeyValueHeads: 4, maxPositionEmbeddings: 256)

    /// Every problem with the values, one `InputError` each, naming `file` and the JSON key.
    /// Empty when the config describes a model this code can build.
    public func problems(file: String?) -> [InputError] {
        var errors: [InputError] = []
        func fail(_ key: String, _ problem: String) { errors.append(InputError(file: file, key: key, problem)) }
        for (key, value) in [("vocab_size", vocabSize), ("hidden_size", hiddenSize),
                             ("intermediate_size", intermediateSize), ("num_hidden_layers", numHiddenLayers),
                             ("num_attention_heads", numAttentionHeads), ("num_key_value_heads", numKeyValueHeads),
                             ("max_position_embeddings", maxPositionEmbeddings)] where value <= 0 {
            fail(key, "must be a positive integer, got \(value)")
        }
        if numAttentionHeads > 0, hiddenSize > 0, hiddenSize % numAttentionHeads != 0 {
            fail("num_attention_heads", "\(numAttentionHeads) heads do not divide hidden_size \(hiddenSize)")
        }
        if numKeyValueHeads > 0, numAttentionHeads > 0, numAttentionHeads % numKeyValueHeads != 0 {
            fail("num_key_value_heads", "\(numKeyValueHeads) key/value heads do not divide num_attention_heads \(numAttentionHeads)")
        }
        if headDim <= 0 || headDim % 2 != 0 {
            fail("head_dim", "must be a positive even integer (RoPE rotates pairs), got \(headDim)")
        }
        if !(ropeTheta > 0) || !ropeTheta.isFinite { fail("rope_theta", "must be a positive number, got \(ropeTheta)") }
        if !(rmsNormEps > 0) || !rmsNormEps.isFinite { fail("rms_norm_eps", "must be a positive number, got \(rmsNormEps)") }
        if let w = slidingWindow, w <= 0 { fail("sliding_window", "must be a positive integer or null, got \(w)") }
        if !(initializerRange >= 0) || !initializerRange.isFinite {
            fail("initializer_range", "must be a non-negative number, got \(initializerRange)")
        }
        if Self.architectures[modelType] == nil {
            fail("model_type", "expected one of \(Self.architectures.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(modelType)\"")
        }
        if hiddenAct != "silu" { fail("hidden_act", "only \"silu\" is supported, got \"\(hiddenAct)\"") }
        for (key, id) in [("bos_token_id", bosTokenId), ("eos_token_id", eosTokenId), ("pad_token_id", padTokenId)]
            + additionalEosTokenIds.map({ ("eos_token_id", Optional($0)) }) {
            if let id, id < 0 || (vocabSize > 0 && id >= vocabSize) {
                fail(key, "token id \(id) is outside the vocabulary 0..<\(vocabSize)")
            }
        }
        return errors
    }

    /// Throws every problem at once (`InputErrors`), or nothing when the config is usable.
    public func validate(file: String?) throws {
        let errors = problems(file: file)
        if errors.count == 1 { throw errors[0] }
        if !errors.isEmpty { throw InputErrors(errors) }
    }

    /// Reads and validates `config.json`.
    public static func load(from url: URL) throws -> MistralConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError(file: url.path, "cannot read: \(error.localizedDescription)")
        }
        let config: MistralConfig
        do { config = try JSONDecoder().decode(MistralConfig.self, from: data) } catch let e as DecodingError {
            throw inputError(e, file: url.path)
        } catch {
            throw InputError(file: url.path, "not valid JSON: \(error.localizedDescription)")
        }
        try config.validate(file: url.path)
        return config
    }

    /// `config.json` bytes: pretty, sorted keys, Hugging Face names.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}

// MARK: - Codable with Hugging Face's names

extension MistralConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", headDim = "head_dim"
        case maxPositionEmbeddings = "max_position_embeddings", ropeTheta = "rope_theta"
        case ropeParameters = "rope_parameters", rmsNormEps = "rms_norm_eps", slidingWindow = "sliding_window"
        case tieWordEmbeddings = "tie_word_embeddings", bosTokenId = "bos_token_id", eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id", initializerRange = "initializer_range", modelType = "model_type"
        case hiddenAct = "hidden_act", architectures, torchDtype = "torch_dtype", dtype
        case ropeScaling = "rope_scaling", attentionBias = "attention_bias", mlpBias = "mlp_bias"
        case useSlidingWindow = "use_sliding_window"
    }

    struct RopeParameters: Codable {
        var rope_theta: Double?
        var rope_type: String?
        /// transformers 4's `rope_scaling` spells the type `type` in older configs.
        var type: String?
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        // transformers' default: as many kv heads as heads (plain multi-head attention).
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim)
            ?? (numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 4096 * 32
        let rope = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        for (key, parameters) in [(CodingKeys.ropeParameters, rope),
                                  (.ropeScaling, try c.decodeIfPresent(RopeParameters.self, forKey: .ropeScaling))] {
            if let type = parameters?.rope_type ?? parameters?.type, type != "default" {
                throw DecodingError.dataCorruptedError(forKey: key, in: c,
                    debugDescription: "rope_type \"\(type)\" is not supported (only \"default\")")
            }
        }
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? rope?.rope_theta ?? 10_000
        rmsNormEps = try c.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? 1e-6
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "mistral"
        slidingWindow = try c.decodeIfPresent(Int.self, forKey: .slidingWindow)
        for key in [CodingKeys.attentionBias, .mlpBias, .useSlidingWindow]
        where try c.decodeIfPresent(Bool.self, forKey: key) == true {
            throw DecodingError.dataCorruptedError(forKey: key, in: c,
                debugDescription: "true is not supported (codetune's decoder has no such bias or window)")
        }
        // Llama has no sliding window; Qwen2 uses its window only with use_sliding_window (refused above).
        if modelType != "mistral" { slidingWindow = nil }
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        bosTokenId = try c.decodeIfPresent(Int.self, forKey: .bosTokenId)
        // Some configs list several end-of-sequence ids (Llama 3, Qwen2 instruct); every one ends a sample.
        if let ids = try? c.decodeIfPresent([Int].self, forKey: .eosTokenId) {
            eosTokenId = ids.first
            additionalEosTokenIds = Array(ids.dropFirst())
        } else {
            eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId)
        }
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        initializerRange = try c.decodeIfPresent(Double.self, forKey: .initializerRange) ?? 0.02
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "silu"
        for key in [CodingKeys.torchDtype, .dtype] {
            if let dtype = try c.decodeIfPresent(String.self, forKey: key), dtype != "float32",
               dtype != "bfloat16", dtype != "float16" {
                throw DecodingError.dataCorruptedError(forKey: key, in: c,
                    debugDescription: "dtype \"\(dtype)\" is not supported (float32, bfloat16 or float16)")
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([Self.architectures[modelType] ?? "MistralForCausalLM"], forKey: .architectures)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encode(headDim, forKey: .headDim)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(RopeParameters(rope_theta: ropeTheta, rope_type: "default"), forKey: .ropeParameters)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(slidingWindow, forKey: .slidingWindow)  // explicit null when absent
        if modelType == "qwen2" { try c.encode(false, forKey: .useSlidingWindow) }
        try c.encode(true, forKey: .tieWordEmbeddings)
        try c.encode(bosTokenId, forKey: .bosTokenId)
        if additionalEosTokenIds.isEmpty { try c.encode(eosTokenId, forKey: .eosTokenId) } else { try c.encode(eosTokenIds, forKey: .eosTokenId) }
        try c.encode(padTokenId, forKey: .padTokenId)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encode("silu", forKey: .hiddenAct)
        try c.encode("float32", forKey: .torchDtype)
        try c.encode("float32", forKey: .dtype)
    }
}

/// One line for a JSON decoding failure: the key path and what was wrong with it.
func inputError(_ error: DecodingError, file: String) -> InputError {
    func path(_ codingPath: [CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case let .keyNotFound(key, context):
        return InputError(file: file, key: path(context.codingPath + [key]), "missing (required)")
    case let .typeMismatch(type, context):
        return InputError(file: file, key: path(context.codingPath), "expected \(typeName(type))")
    case let .valueNotFound(type, context):
        return InputError(file: file, key: path(context.codingPath), "expected \(typeName(type)), got null")
    case let .dataCorrupted(context):
        let key = path(context.codingPath)
        if key.isEmpty { return InputError(file: file, "not valid JSON") }
        return InputError(file: file, key: key, context.debugDescription)
    @unknown default:
        return InputError(file: file, "cannot decode: \(error)")
    }
}

private func typeName(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type: return "an integer"
    case is Double.Type: return "a number"
    case is Bool.Type: return "true or false"
    case is String.Type: return "a string"
    default: return "\(type)"
    }
}
