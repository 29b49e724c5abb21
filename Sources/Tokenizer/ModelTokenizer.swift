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
        } else if GGUFTokenizer.isGGUF(url) {
            self = try GGUFTokenizer(contentsOf: url).tokenizer
        } else {
            try self.init(contentsOf: url)
        }
    }
}

extension GGUFTokenizer {
    /// True when `url` is a file whose first four bytes are `GGUF`.
    public static func isGGUF(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }
}
