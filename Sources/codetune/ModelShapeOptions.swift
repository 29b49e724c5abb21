import ArgumentParser
import FileFormats
import Models

/// The model shape flags shared by `bench train` and `bench sample` (defaults: docs/benchmarks.md's reference shape).
struct ModelShapeOptions: ParsableArguments {
    @Option(help: "Vocabulary size.") var vocab = MistralConfig.reference.vocabSize
    @Option(help: "Hidden size.") var hidden = MistralConfig.reference.hiddenSize
    @Option(help: "Decoder layers.") var layers = MistralConfig.reference.numHiddenLayers
    @Option(help: "Attention heads.") var heads = MistralConfig.reference.numAttentionHeads
    @Option(name: .customLong("kv-heads"), help: "Key/value heads.") var kvHeads = MistralConfig.reference.numKeyValueHeads
    @Option(help: "SwiGLU MLP width.") var mlp = MistralConfig.reference.intermediateSize

    /// The config, or an input error (one line, exit 2) for the first problem with the shape.
    func config(positions: Int) throws -> MistralConfig {
        let c = MistralConfig(vocabSize: vocab, hiddenSize: hidden, intermediateSize: mlp, numHiddenLayers: layers,
                              numAttentionHeads: heads, numKeyValueHeads: kvHeads, maxPositionEmbeddings: positions)
        if let problem = c.problems(file: nil).first { throw problem }
        return c
    }
}
