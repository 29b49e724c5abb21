import Autograd
import Foundation
import Models
import SeededRandom
import Tokenizer

/// A tiny random Mistral model and a small BPE tokenizer trained on the fly, saved as a checkpoint
/// directory (config.json, model.safetensors, tokenizer.json) in a temporary directory. Nothing binary
/// is committed.
enum TinyCheckpoint {
    static let corpus: [String] = (0..<40).map { i in
        "def add_\(i)(a, b):\n    return a + b * \(i)\n\nclass Box\(i):\n    pass\n# note \(i)\nprint(add_\(i)(1, 2))\n"
    }

    static func tokenizer() -> BPETokenizer {
        BPETokenizer.train(documents: corpus, vocabSize: 320, threads: 1)
    }

    /// A random model over `tokenizer`'s vocabulary. Weights are scaled up from the 0.02 init so the
    /// next-token distribution is far from uniform and greedy choices are clear.
    static func model(vocabSize: Int, context: Int = 64, seed: UInt64 = 3, scale: Float = 8) -> MistralModel {
        let config = MistralConfig(vocabSize: vocabSize, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: context)
        var rng = SeededGenerator(seed: seed)
        let model = MistralModel(config: config, generator: &rng)
        for p in model.parameters where p.rank == 2 { for i in 0..<p.count { p.data[i] *= scale } }
        return model
    }

    /// Writes a checkpoint into a new temporary directory and returns it.
    static func write(context: Int = 64, seed: UInt64 = 3) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-checkpoint-\(UUID())")
        let tokenizer = tokenizer()
        let model = model(vocabSize: tokenizer.vocabularySize, context: context, seed: seed)
        try model.save(to: dir) { tmp in try tokenizer.write(to: tmp.appendingPathComponent(Checkpoint.tokenizerFile)) }
        return dir
    }
}
