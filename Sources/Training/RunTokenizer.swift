import FileFormats
import Foundation
import Models
import Tokenizer

/// Which tokenizer a run trains with, as a `tokenizer.json` that checkpoints can copy, and its hash.
///
/// A run that starts from a pretrained model (`init_from` a GGUF file, or a directory with its own
/// `tokenizer.json`) trains on that model's tokenizer unless `tokenizer:` names one: no tokenizer is
/// trained, and every dataset must have been encoded with it (its recipe's `tokenizer: {path: MODEL}`),
/// which the datasets' content hashes check. A GGUF file's tokenizer, or a Hugging Face `tokenizer.json`, is
/// written once in codetune's own form to `cache/tokenizers/<content hash>/tokenizer.json` beside the run
/// config, so its file hash is its content hash.
enum RunTokenizer {
    /// The run's tokenizer file and its content hash: `config.tokenizer`, else the `init_from` model's own
    /// (nil when neither gives one).
    static func resolve(_ config: RunConfig) throws -> (url: URL, sha256: String)? {
        if let t = config.tokenizer {
            if Checkpoint.isGGUF(t) { return try materialize(t, config: config) }
            return (t, try SHA256Digest.hex(fileAt: t))
        }
        guard case .initFrom(let model) = config.model else { return nil }
        if Checkpoint.isGGUF(model) { return try materialize(model, config: config) }
        guard FileManager.default.fileExists(atPath: model.appendingPathComponent(Checkpoint.tokenizerFile).path) else { return nil }
        return try materialize(model, config: config)
    }

    /// The tokenizer of `model` (`BPETokenizer(modelAt:)`) written in codetune's form under the config's cache.
    static func materialize(_ model: URL, config: RunConfig) throws -> (url: URL, sha256: String) {
        let tokenizer = try BPETokenizer(modelAt: model)
        let hash = tokenizer.contentHash
        let url = config.file.deletingLastPathComponent().appendingPathComponent("cache/tokenizers/\(hash)/tokenizer.json")
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try tokenizer.write(to: url)
        }
        return (url, hash)
    }
}
