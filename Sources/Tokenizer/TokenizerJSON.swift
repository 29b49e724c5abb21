import FileFormats
import Foundation

/// Reading and writing Hugging Face `tokenizer.json` for byte-level BPE.
///
/// Reads what the `tokenizers` library writes for a `BPE` model with a `ByteLevel` pre-tokenizer (alone, or after
/// `Digits(individual_digits: true)` as SmolLM2 and StarCoder have it): merges as
/// `"a b"` strings (tokenizers < 0.20) or `["a", "b"]` pairs; no normalizer; a `ByteLevel` (or no) decoder and
/// post-processor. Anything else is refused with an `InputError` rather than encoded differently.
/// Writes the layout `tokenizers` 0.20+ writes (`Tokenizer.save(path)`, pretty, vocabulary in id order).
extension BPETokenizer {
    /// Loads a `tokenizer.json`.
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw InputError(file: url.path, "no such file") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw InputError.cannotRead(url, error) }
        try self.init(jsonData: data, source: url.path)
    }

    /// Parses `tokenizer.json` content; `source` names it in errors.
    public init(jsonData data: Data, source: String = "tokenizer.json") throws {
        func fail(_ key: String, _ problem: String) -> InputError { InputError(file: source, key: key, problem) }
        let root: [String: Any]
        do {
            guard let r = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw fail("", "not a JSON object")
            }
            root = r
        } catch let e as InputError { throw e } catch {
            throw fail("", "not valid JSON: \(error.localizedDescription)")
        }
        func isNull(_ v: Any?) -> Bool { v == nil || v is NSNull }
        func type(_ v: Any?) -> String? { (v as? [String: Any])?["type"] as? String }

        if !isNull(root["normalizer"]) {
            throw fail("normalizer", "unsupported normalizer \(type(root["normalizer"]) ?? "?") (only null)")
        }
        // ByteLevel, or Sequence[Digits(individual_digits: true), ByteLevel] (SmolLM2, StarCoder).
        var preObject = root["pre_tokenizer"] as? [String: Any]
        var splitDigits = false
        if let p = preObject, p["type"] as? String == "Sequence", let steps = p["pretokenizers"] as? [[String: Any]],
           steps.count == 2, steps[0]["type"] as? String == "Digits", steps[0]["individual_digits"] as? Bool == true {
            splitDigits = true
            preObject = steps[1]
        }
        guard let pre = preObject, pre["type"] as? String == "ByteLevel" else {
            throw fail("pre_tokenizer", "unsupported pre-tokenizer \(type(root["pre_tokenizer"]) ?? "null") (only ByteLevel, or Digits(individual_digits) then ByteLevel)")
        }
        let addPrefixSpace = pre["add_prefix_space"] as? Bool ?? true
        let useRegex = pre["use_regex"] as? Bool ?? true
        for key in ["decoder", "post_processor"] where !isNull(root[key]) && type(root[key]) != "ByteLevel" {
            throw fail(key, "unsupported \(key) \(type(root[key]) ?? "?") (only ByteLevel or null)")
        }
        guard let model = root["model"] as? [String: Any] else { throw fail("model", "missing") }
        if let t = model["type"] as? String, t != "BPE" { throw fail("model.type", "unsupported model \(t) (only BPE)") }
        if let d = model["dropout"] as? Double, d > 0 { throw fail("model.dropout", "dropout is not supported") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let s = model[key] as? String, !s.isEmpty { throw fail("model.\(key)", "not supported for byte-level BPE") }
        }
        let ignoreMerges = model["ignore_merges"] as? Bool ?? false
        guard let vocabObject = model["vocab"] as? [String: Any] else { throw fail("model.vocab", "missing or not an object") }

        var idOfString: [String: Int32] = [:]
        idOfString.reserveCapacity(vocabObject.count)
        var maxId = -1
        for (token, value) in vocabObject {
            guard let n = value as? Int, n >= 0, n < Int(Int32.max) else {
                throw fail("model.vocab.\(token)", "id is not a non-negative integer")
            }
            idOfString[token] = Int32(n)
            maxId = max(maxId, n)
        }
        var vocabulary = [[UInt8]?](repeating: nil, count: maxId + 1)
        for (token, id) in idOfString { vocabulary[Int(id)] = ByteLevel.bytes(of: token) }

        var merges: [(Int32, Int32)] = []
        let mergeList = model["merges"] as? [Any] ?? []
        merges.reserveCapacity(mergeList.count)
        for (i, m) in mergeList.enumerated() {
            let parts: [String]
            if let s = m as? String {
                parts = s.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let p = m as? [String] {
                parts = p
            } else {
                throw fail("model.merges[\(i)]", "neither \"a b\" nor [\"a\", \"b\"]")
            }
            guard parts.count == 2, let a = idOfString[parts[0]], let b = idOfString[parts[1]] else {
                throw fail("model.merges[\(i)]", "\(parts) is not a pair of vocabulary tokens")
            }
            merges.append((a, b))
        }

        var added: [AddedToken] = []
        for (i, item) in (root["added_tokens"] as? [Any] ?? []).enumerated() {
            guard let t = item as? [String: Any], let id = t["id"] as? Int, id >= 0, id < Int(Int32.max),
                  let content = t["content"] as? String, !content.isEmpty else {
                throw fail("added_tokens[\(i)]", "needs an id and a non-empty content")
            }
            for flag in ["lstrip", "rstrip", "single_word"] where t[flag] as? Bool == true {
                throw fail("added_tokens[\(i)].\(flag)", "not supported (only false)")
            }
            added.append(AddedToken(id: Int32(id), content: content, special: t["special"] as? Bool ?? false))
        }
        do {
            try self.init(vocabulary: vocabulary, merges: merges, addedTokens: added,
                          addPrefixSpace: addPrefixSpace, useRegex: useRegex, ignoreMerges: ignoreMerges,
                          splitDigits: splitDigits)
        } catch let e as InputError {
            throw InputError(file: source, key: e.key, e.problem)
        }
    }

    /// The `tokenizer.json` text, in the layout `tokenizers` writes. Same tokenizer, same bytes.
    public func jsonString() -> String {
        var o = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (i, t) in addedTokens.enumerated() {
            o += i == 0 ? "\n" : ",\n"
            o += "    {\n      \"id\": \(t.id),\n      \"content\": \(StringLiteral.json.quote(t.content)),\n"
            o += "      \"single_word\": false,\n      \"lstrip\": false,\n      \"rstrip\": false,\n"
            o += "      \"normalized\": false,\n      \"special\": \(t.special)\n    }"
        }
        o += addedTokens.isEmpty ? "],\n" : "\n  ],\n"
        o += "  \"normalizer\": null,\n"
        if splitDigits {
            o += "  \"pre_tokenizer\": {\n    \"type\": \"Sequence\",\n    \"pretokenizers\": [\n"
            o += "      {\n        \"type\": \"Digits\",\n        \"individual_digits\": true\n      },\n"
            o += "      {\n        \"type\": \"ByteLevel\",\n        \"add_prefix_space\": \(addPrefixSpace),\n"
            o += "        \"trim_offsets\": true,\n        \"use_regex\": \(useRegex)\n      }\n    ]\n  },\n"
        } else {
            o += "  \"pre_tokenizer\": {\n    \"type\": \"ByteLevel\",\n    \"add_prefix_space\": \(addPrefixSpace),\n"
            o += "    \"trim_offsets\": true,\n    \"use_regex\": \(useRegex)\n  },\n"
        }
        o += "  \"post_processor\": {\n    \"type\": \"ByteLevel\",\n    \"add_prefix_space\": true,\n"
        o += "    \"trim_offsets\": false,\n    \"use_regex\": true\n  },\n"
        o += "  \"decoder\": {\n    \"type\": \"ByteLevel\",\n    \"add_prefix_space\": true,\n"
        o += "    \"trim_offsets\": true,\n    \"use_regex\": true\n  },\n"
        o += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
        o += "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n"
        o += "    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"ignore_merges\": \(ignoreMerges),\n"
        o += "    \"vocab\": {"
        var first = true
        for id in 0..<tokenBytes.count {
            guard let s = vocabularyString(Int32(id)) else { continue }
            o += first ? "\n" : ",\n"
            first = false
            o += "      \(StringLiteral.json.quote(s)): \(id)"
        }
        o += first ? "},\n" : "\n    },\n"
        o += "    \"merges\": ["
        for (i, m) in merges.enumerated() {
            o += i == 0 ? "\n" : ",\n"
            o += "      [\n        \(StringLiteral.json.quote(ByteLevel.string(of: tokenBytes[Int(m.left)]))),\n"
            o += "        \(StringLiteral.json.quote(ByteLevel.string(of: tokenBytes[Int(m.right)])))\n      ]"
        }
        o += merges.isEmpty ? "]\n" : "\n    ]\n"
        o += "  }\n}"
        return o
    }

    /// The vocabulary entry of an id: the added token's content or the byte-level string; nil for a gap.
    private func vocabularyString(_ id: Int32) -> String? {
        if let t = addedTokens.first(where: { $0.id == id }) { return t.content }
        let b = tokenBytes[Int(id)]
        return b.isEmpty ? nil : ByteLevel.string(of: b)
    }

    /// Writes `tokenizer.json` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(jsonString(), to: url)
    }

    /// SHA-256 (hex) of `jsonString()`: names the tokenizer in dataset manifests and caches.
    public var contentHash: String { SHA256Digest.hex(jsonString()) }
}
