import FileFormats
import Foundation

extension BPETokenizer {
    /// The tokenizer at `url`, which may name a model rather than a tokenizer: a GGUF file (its own
    /// tokenizer, `GGUFTokenizer`), a model directory (its `tokenizer.json`), or a `tokenizer.json`.
    public init(modelAt url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw InputError(file: url.path, "no such file")
        }
        if isDirectory.boolValue {
            try self.init(contentsOf: url.appendingPathComponent("tokenizer.json"))
        } else if GGUFFile.hasMagic(url) {
            self = try GGUFTokenizer(contentsOf: url).tokenizer
        } else {
            try self.init(contentsOf: url)
        }
    }
}
