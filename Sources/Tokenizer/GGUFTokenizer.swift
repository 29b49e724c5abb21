import FileFormats
import Foundation

/// The tokenizer a GGUF file describes in its `tokenizer.ggml.*` metadata, built as a `BPETokenizer`
/// that encodes and decodes as llama.cpp and `transformers` do, with the special token ids beside it.
///
/// Supported: `tokenizer.ggml.model` = `gpt2` (byte-level BPE) with `tokenizer.ggml.pre` = `gpt-2` (the GPT-2
/// split) or `smollm` / `starcoder` (each `\p{N}` scalar isolated, then the GPT-2 split: llama.cpp's regex
/// list for those names, and `Digits(individual_digits)` + `ByteLevel` in the models' own
/// `tokenizer.json`). Anything else is refused in one line.
///
/// Tokens are read as `transformers`' GGUF converter reads them: a token spelled in GPT-2's byte alphabet
/// stands for those bytes, any other for its UTF-8. Tokens of type CONTROL (3) spelled in the byte alphabet
/// become special added tokens, USER_DEFINED (4) plain added ones (matched whole, kept by
/// `decode(skipSpecialTokens:)`).
///
/// Note: `transformers` (5.x) does not know the `smollm` name and splits with the GPT-2 regex alone, so on
/// numbers of two or more digits its GGUF tokenizer differs from llama.cpp's and from SmolLM2's own
/// `tokenizer.json`; codetune follows the latter two (the model was trained that way).
public struct GGUFTokenizer: Sendable {
    public var tokenizer: BPETokenizer
    /// `tokenizer.ggml.pre`.
    public var preTokenizer: String
    public var bosId: Int32?
    public var eosId: Int32?
    public var unknownId: Int32?
    public var paddingId: Int32?
    /// `tokenizer.ggml.add_bos_token` / `add_eos_token` (false when absent, as `transformers` reads a `gpt2` file).
    public var addBOS: Bool
    public var addEOS: Bool
    /// `tokenizer.chat_template`, when present.
    public var chatTemplate: String?

    /// `tokenizer.ggml.pre` values and whether each isolates digits.
    public static let preTokenizers: [String: Bool] = ["gpt-2": false, "smollm": true, "starcoder": true]

    /// GGUF token types (`llama_token_type`).
    enum TokenType: Int { case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6 }

    /// Reads the tokenizer of the GGUF file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(gguf: GGUFFile(contentsOf: url))
    }

    public init(gguf f: GGUFFile) throws {
        func fail(_ key: String, _ problem: String) -> InputError { InputError(file: f.path, key: key, problem) }
        let model = try f.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw fail("tokenizer.ggml.model", "tokenizer model \"\(model)\" is not supported (only gpt2, byte-level BPE)")
        }
        let pre = f.metadata["tokenizer.ggml.pre"] == nil ? "gpt-2" : try f.string("tokenizer.ggml.pre")
        guard let splitDigits = Self.preTokenizers[pre] else {
            throw fail("tokenizer.ggml.pre", "pre-tokenizer \"\(pre)\" is not supported (only \(Self.preTokenizers.keys.sorted().joined(separator: ", ")))")
        }
        let tokens = try f.strings("tokenizer.ggml.tokens")
        guard tokens.count < Int(Int32.max) else { throw fail("tokenizer.ggml.tokens", "too many tokens") }
        let types = f.metadata["tokenizer.ggml.token_type"] == nil ? [] : try f.integers("tokenizer.ggml.token_type")
        guard types.isEmpty || types.count == tokens.count else {
            throw fail("tokenizer.ggml.token_type", "has \(types.count) entries for \(tokens.count) tokens")
        }
        var vocabulary: [[UInt8]?] = []
        vocabulary.reserveCapacity(tokens.count)
        var idOf: [String: Int32] = [:]
        idOf.reserveCapacity(tokens.count)
        var added: [AddedToken] = []
        for (i, token) in tokens.enumerated() {
            let byteLevel = ByteLevel.bytes(of: token)
            vocabulary.append(byteLevel ?? Array(token.utf8))
            if idOf[token] == nil { idOf[token] = Int32(i) }
            let type = types.isEmpty ? nil : TokenType(rawValue: types[i])
            if type == .control, byteLevel != nil, !token.isEmpty {
                added.append(AddedToken(id: Int32(i), content: token, special: true))
            } else if type == .userDefined, !token.isEmpty {
                added.append(AddedToken(id: Int32(i), content: token, special: false))
            }
        }
        var merges: [(Int32, Int32)] = []
        if f.metadata["tokenizer.ggml.merges"] != nil {
            let list = try f.strings("tokenizer.ggml.merges")
            merges.reserveCapacity(list.count)
            for (i, m) in list.enumerated() {
                let parts = m.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2, let a = idOf[String(parts[0])], let b = idOf[String(parts[1])] else {
                    throw fail("tokenizer.ggml.merges[\(i)]", "\(StringLiteral.json.quote(m)) is not a pair of vocabulary tokens")
                }
                merges.append((a, b))
            }
        }
        func id(_ key: String) throws -> Int32? {
            guard f.metadata[key] != nil else { return nil }
            let n = try f.integer(key)
            guard n >= 0, n < tokens.count else { throw fail(key, "id \(n) is outside the vocabulary (\(tokens.count) tokens)") }
            return Int32(n)
        }
        func flag(_ key: String) throws -> Bool { f.metadata[key] == nil ? false : try f.bool(key) }
        do {
            tokenizer = try BPETokenizer(vocabulary: vocabulary, merges: merges, addedTokens: added, addPrefixSpace: false,
                                         useRegex: true, ignoreMerges: false, splitDigits: splitDigits,
                                         mergesKey: "tokenizer.ggml.merges")
        } catch let e as InputError {
            throw InputError(file: f.path, key: e.key, e.problem)   // the error names the GGUF file
        }
        preTokenizer = pre
        bosId = try id("tokenizer.ggml.bos_token_id")
        eosId = try id("tokenizer.ggml.eos_token_id")
        unknownId = try id("tokenizer.ggml.unknown_token_id")
        paddingId = try id("tokenizer.ggml.padding_token_id")
        addBOS = try flag("tokenizer.ggml.add_bos_token")
        addEOS = try flag("tokenizer.ggml.add_eos_token")
        chatTemplate = f.metadata["tokenizer.chat_template"] == nil ? nil : try f.string("tokenizer.chat_template")
    }
}
