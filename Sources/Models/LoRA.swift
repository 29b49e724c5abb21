// LoRA: low-rank adapters on the decoder's projections, as PEFT's `LoraConfig` / `LoraLayer` define them.

import Autograd
import SeededRandom

/// The projections an adapter can sit on (PEFT's `target_modules` names).
public enum LoRATarget: String, CaseIterable, Sendable {
    case qProj = "q_proj", kProj = "k_proj", vProj = "v_proj", oProj = "o_proj"
    case gateProj = "gate_proj", upProj = "up_proj", downProj = "down_proj"

    /// The target of a Hugging Face parameter name (`model.layers.3.mlp.up_proj.weight` → `up_proj`).
    init?(parameterName name: String) {
        guard name.hasSuffix(".weight") else { return nil }
        let parts = name.split(separator: ".")
        guard parts.count >= 2 else { return nil }
        self.init(rawValue: String(parts[parts.count - 2]))
    }
}

/// How the frozen base projections are held in memory under LoRA.
public enum BasePrecision: String, CaseIterable, Sendable {
    /// Float32, as loaded.
    case fp32
    /// ggml `Q8_0` blocks (8.5 bits per weight), dequantized per product.
    case q8
    /// ggml `Q4_1` blocks (5 bits per weight), dequantized per product (QLoRA-style).
    case q4

    var format: QuantizedMatrix.Format? {
        switch self { case .fp32: nil; case .q8: .q8_0; case .q4: .q4_1 }
    }
}

/// A stage's LoRA settings: y = W x + (alpha / rank) · B(A(dropout(x))) on every targeted projection,
/// every base parameter frozen (embedding and norms included, as PEFT leaves them).
public struct LoRASettings: Equatable, Sendable {
    public var rank: Int
    public var alpha: Double
    public var dropout: Double
    /// In model order (q, k, v, o, gate, up, down), no duplicates.
    public var targets: [LoRATarget]
    public var basePrecision: BasePrecision

    public init(rank: Int = 8, alpha: Double = 16, dropout: Double = 0, targets: [LoRATarget] = LoRATarget.allCases,
                basePrecision: BasePrecision = .fp32) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = LoRATarget.allCases.filter(targets.contains)
        self.basePrecision = basePrecision
    }

    /// alpha / rank, the factor on B·A.
    public var scale: Float { Float(alpha / Double(rank)) }
}

/// One adapter: A [r, in] and B [out, r] (trainable), on the projection `module`.
public final class LoRAAdapter {
    /// The Hugging Face module name, e.g. `model.layers.0.self_attn.q_proj`.
    public let module: String
    public let a: Tensor
    public let b: Tensor
    let scale: Float
    let dropout: Float
    /// This micro-batch's dropout seed (`MistralModel.setDropoutSeed`).
    var seed: UInt64 = 0

    init(module: String, inFeatures: Int, outFeatures: Int, settings: LoRASettings) {
        self.module = module
        a = Tensor(zeros: [settings.rank, inFeatures], requiresGrad: true)
        b = Tensor(zeros: [outFeatures, settings.rank], requiresGrad: true)
        scale = settings.scale
        dropout = Float(settings.dropout)
    }

    /// PEFT's state-dict key of `part` (`lora_A` or `lora_B`).
    public func peftName(_ part: String) -> String { "base_model.model.\(module).\(part).weight" }

    var factors: LoRAFactors { LoRAFactors(a: a, b: b, scale: scale, dropout: dropout, seed: seed) }

    /// PEFT's initialisation: A from kaiming_uniform_(a = √5), i.e. U(−1/√in, 1/√in), drawn row-major from
    /// `generator`; B zero (so the adapted model starts equal to the base).
    func initialize(using generator: inout SeededGenerator) {
        let bound = 1 / Double(a.shape[1]).squareRoot()
        for i in 0..<a.count { a.data[i] = Float((2 * generator.nextDouble() - 1) * bound) }
        b.fill(0)
    }
}

extension MistralModel {
    /// Draws every adapter's A (PEFT's kaiming-uniform) and zeroes B, in model order.
    public func initializeAdapters(using generator: inout SeededGenerator) {
        for adapter in adapters { adapter.initialize(using: &generator) }
    }

    /// Seeds this micro-batch's dropout masks (one derived seed per adapter); no effect without dropout.
    public func setDropoutSeed(_ seed: UInt64) {
        for (i, adapter) in adapters.enumerated() { adapter.seed = SplitMix64.mix(seed &+ UInt64(i)) }
    }

    /// The weight of parameter `i` as the decoder computes it, Float32: a quantized base dequantized, plus
    /// the adapter's scale · B·A where there is one (`merged()`).
    func effectiveWeight(_ i: Int) -> [Float] {
        let spec = config.parameterSpecs[i]
        var w = [Float](repeating: 0, count: spec.count)
        w.withUnsafeMutableBufferPointer { out in
            if let q = quantizedBase[i] { q.dequantizeRows(0..<q.rows, into: out.baseAddress!) }
            else { out.baseAddress!.update(from: parameters[i].data, count: spec.count) }
            adapterOf[i]?.factors.addDelta(into: out.baseAddress!)
        }
        return w
    }

    /// A plain trainable model with every adapter folded in, W + (alpha / r) · B·A (the quantized base
    /// dequantized first): what `codetune export` writes and what sampling decodes.
    public func merged() -> MistralModel {
        MistralModel(config: config, weights: config.parameterSpecs.indices.map(effectiveWeight))
    }
}

extension MistralConfig {
    /// FLOPs per token of a LoRA training step: the frozen matrices forward and back to their input only
    /// (4 per weight, no weight gradient), the `trainable` adapter parameters 6 each, attention
    /// 12·layers·context·hidden as in `trainingFLOPsPerToken`.
    public func loraTrainingFLOPsPerToken(context: Int, trainable: Int) -> Double {
        let frozen = 4 * parameterCount, adapters = 6 * trainable
        let attention = 12 * numHiddenLayers * context * hiddenSize
        return Double(frozen + adapters + attention)
    }
}
