import ArgumentParser

/// `codetune tokenizer train | encode`: byte-level BPE tokenizers in Hugging Face `tokenizer.json` form.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Train a byte-level BPE tokenizer, or encode and decode with one.",
        subcommands: [TokenizerTrain.self, TokenizerEncode.self]
    )
}
