import FileFormats
import Foundation

/// A token that is matched in the raw text before pre-tokenization and never split
/// (`tokenizers`' added tokens). codetune's own tokenizers only have special ones.
public struct AddedToken: Sendable, Equatable {
    public var id: Int32
    public var content: String
    /// Special tokens are dropped by `decode(_:skipSpecialTokens: true)`.
    public var special: Bool
    public init(id: Int32, content: String, special: Bool = true) {
        self.id = id
        self.content = content
        self.special = special
    }
}

/// A byte-level BPE tokenizer, compatible with Hugging Face `tokenizers` (`tokenizer.json` with a
/// `BPE` model and `ByteLevel` pre-tokenizer and decoder).
///
/// Token ids are `Int32` (all ids are < 2³¹). A tokenizer trained here has the special tokens of
/// `defaultSpecialTokens` at ids 0…4 in that order, the 256 byte tokens at ids 5…260 (in the order of
/// their byte-level scalar, as `tokenizers`' BpeTrainer lays them out), then one id per merge.
///
/// Encoding: added tokens are cut out of the text first (leftmost, longest), each stretch between them is
/// split into words by `PreTokenizer`, and each word is turned into bytes and merged by merge rank (lowest
/// rank first, leftmost among equals), exactly as `tokenizers`' `BPE` model does.
public struct BPETokenizer: Sendable {
    public static let endOfText = "<|endoftext|>"
    public static let fimPrefix = "<fim_prefix>"
    public static let fimMiddle = "<fim_middle>"
    public static let fimSuffix = "<fim_suffix>"
    public static let pad = "<|pad|>"
    /// The special tokens of docs/file-formats.md, in the id order a trained tokenizer gives them (0…4).
    public static let defaultSpecialTokens = [endOfText, fimPrefix, fimMiddle, fimSuffix, pad]

    /// Bytes of each token id (empty for an id that the vocabulary skips). Added tokens hold their UTF-8.
    public let tokenBytes: [[UInt8]]
    /// Id of the single-byte token for each byte value (-1 if the vocabulary lacks it).
    let byteIds: [Int32]
    /// Merges in rank order: (left id, right id, merged id).
    public let merges: [(left: Int32, right: Int32, merged: Int32)]
    /// `PairTable.key(left, right)` → `rank << 32 | merged id`.
    let mergeTable: PairTable
    public let addedTokens: [AddedToken]
    /// `ByteLevel.add_prefix_space` of the pre-tokenizer: a space is put before each stretch of text
    /// that does not start with one.
    public let addPrefixSpace: Bool
    /// `ByteLevel.use_regex`: when false each stretch of text is one word.
    public let useRegex: Bool
    /// `BPE.ignore_merges`: a word that is itself in the vocabulary becomes that one token.
    public let ignoreMerges: Bool
    /// `Digits(individual_digits: true)` before `ByteLevel` (llama.cpp's `smollm` and `starcoder`
    /// pre-tokenizers): every `\p{N}` scalar is a word of its own and the GPT-2 split runs on the text
    /// between them.
    public let splitDigits: Bool
    /// Vocabulary by bytes, kept only when `ignoreMerges` needs it.
    let idOfBytes: [[UInt8]: Int32]
    /// Added tokens grouped by the first byte of their content, longest first.
    let addedByFirstByte: [[Int]]
    /// Whether some added token starts with this byte.
    let startsAddedToken: [Bool]

    /// Builds a tokenizer from its parts. `vocabulary[id]` is the token's bytes (nil for a gap);
    /// merges are in rank order, each a pair of ids whose concatenation must be in the vocabulary (errors name
    /// them `mergesKey[rank]`, as the file the merges came from spells them).
    public init(vocabulary: [[UInt8]?], merges: [(Int32, Int32)], addedTokens: [AddedToken],
                addPrefixSpace: Bool = false, useRegex: Bool = true, ignoreMerges: Bool = false,
                splitDigits: Bool = false, mergesKey: String = "model.merges") throws {
        var bytes = vocabulary.map { $0 ?? [] }
        for t in addedTokens {
            guard t.id >= 0 else { throw InputError(key: "added_tokens", "negative id \(t.id) for \(t.content)") }
            if Int(t.id) >= bytes.count { bytes += Array(repeating: [], count: Int(t.id) + 1 - bytes.count) }
            bytes[Int(t.id)] = Array(t.content.utf8)
        }
        var idOf: [[UInt8]: Int32] = [:]
        idOf.reserveCapacity(vocabulary.count)
        for (id, b) in vocabulary.enumerated() {
            if let b { if idOf[b] == nil { idOf[b] = Int32(id) } }
        }
        var byteIds = [Int32](repeating: -1, count: 256)
        for b in 0..<256 { byteIds[b] = idOf[[UInt8(b)]] ?? -1 }
        var table = PairTable(capacity: merges.count)
        var list: [(left: Int32, right: Int32, merged: Int32)] = []
        list.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard Int(a) < vocabulary.count, Int(b) < vocabulary.count, a >= 0, b >= 0,
                  let merged = idOf[bytes[Int(a)] + bytes[Int(b)]] else {
                throw InputError(key: "\(mergesKey)[\(rank)]", "merged token is not in the vocabulary")
            }
            let key = PairTable.key(a, b)
            if table.value(for: key) == nil {  // the first (lowest-rank) entry of a duplicate wins
                table.set(UInt64(rank) << 32 | UInt64(UInt32(merged)), for: key)
            }
            list.append((a, b, merged))
        }
        var byFirst = [[Int]](repeating: [], count: 256)
        for (i, t) in addedTokens.enumerated() {
            guard let f = t.content.utf8.first else { continue }
            byFirst[Int(f)].append(i)
        }
        for f in 0..<256 { byFirst[f].sort { addedTokens[$0].content.utf8.count > addedTokens[$1].content.utf8.count } }
        self.tokenBytes = bytes
        self.byteIds = byteIds
        self.merges = list
        self.mergeTable = table
        self.addedTokens = addedTokens
        self.addPrefixSpace = addPrefixSpace
        self.useRegex = useRegex
        self.ignoreMerges = ignoreMerges
        self.splitDigits = splitDigits
        self.idOfBytes = ignoreMerges ? idOf : [:]
        self.addedByFirstByte = byFirst
        self.startsAddedToken = byFirst.map { !$0.isEmpty }
    }

    /// Number of ids: one more than the largest id in the vocabulary or the added tokens.
    public var vocabularySize: Int { tokenBytes.count }

    /// Id of an added (special) token by its content, e.g. `id(ofSpecial: BPETokenizer.endOfText)`.
    public func id(ofSpecial content: String) -> Int32? {
        addedTokens.first { $0.content == content }?.id
    }

    /// Encodes `text` to token ids. For many texts, `makeEncoder()` or `encodeBatch` reuse a word cache.
    public func encode(_ text: String) -> [Int32] {
        let encoder = BPEEncoder(self)
        var out: [Int32] = []
        encoder.encode(text, into: &out)
        return out
    }

    /// An encoder with its own word cache; use one per thread.
    public func makeEncoder() -> BPEEncoder { BPEEncoder(self) }

    /// Encodes each text, spreading the texts over `threads` threads. Result `i` is `encode(texts[i])`.
    public func encodeBatch(_ texts: [String], threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [[Int32]] {
        var results = [[Int32]](repeating: [], count: texts.count)
        let workers = max(1, min(threads, texts.count))
        results.withUnsafeMutableBufferPointer { out in
            // Each worker writes only the results of its own texts (i ≡ w mod workers).
            nonisolated(unsafe) let base = out.baseAddress
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let encoder = BPEEncoder(self)
                var i = w
                while i < texts.count {
                    var ids: [Int32] = []
                    encoder.encode(texts[i], into: &ids)
                    (base! + i).pointee = ids
                    i += workers
                }
            }
        }
        return results
    }

    /// The bytes the ids stand for, concatenated. Ids outside the vocabulary are skipped.
    public func decodeBytes(_ ids: some Sequence<Int32>, skipSpecialTokens: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        let specials = skipSpecialTokens ? Set(addedTokens.filter(\.special).map(\.id)) : []
        for id in ids where id >= 0 && Int(id) < tokenBytes.count {
            if skipSpecialTokens && specials.contains(id) { continue }
            out.append(contentsOf: tokenBytes[Int(id)])
        }
        return out
    }

    /// The text the ids stand for; byte sequences that are not valid UTF-8 become U+FFFD, as in
    /// `tokenizers`' ByteLevel decoder. `decodeBytes` is the exact inverse of `encode`.
    public func decode(_ ids: some Sequence<Int32>, skipSpecialTokens: Bool = false) -> String {
        String(decoding: decodeBytes(ids, skipSpecialTokens: skipSpecialTokens), as: UTF8.self)
    }
}
