import FileFormats
import Foundation
import Tokenizer

extension CompletionTokenizer {
    /// The example builder's view of a byte-level BPE tokenizer with the special tokens of docs/file-formats.md.
    /// Only `<|endoftext|>` is required: a pretrained model's tokenizer (SmolLM2's has no `<|pad|>` and no FIM
    /// tokens) pads with `<|endoftext|>` (padding is never a label and, right-padded, never attended to) and
    /// has `supportsFIM` false unless it has all three FIM tokens.
    ///
    /// Telemetry text is user data: a literal `<|endoftext|>` typed in code must not become the special
    /// token (it would end the example early or forge a FIM layout). `BPETokenizer.encode` matches added
    /// tokens in the raw text, so the text is cut inside every special token's spelling first and the
    /// pieces are encoded separately — the string stays ordinary bytes.
    public init(_ bpe: BPETokenizer, source: String = "tokenizer.json") throws {
        guard let end = bpe.id(ofSpecial: BPETokenizer.endOfText) else {
            throw InputError(file: source, "tokenizer lacks special token(s) \(BPETokenizer.endOfText)")
        }
        let fim = [BPETokenizer.fimPrefix, BPETokenizer.fimSuffix, BPETokenizer.fimMiddle].compactMap { bpe.id(ofSpecial: $0) }
        let specials = bpe.addedTokens.map(\.content).filter { $0.count >= 2 }
        self.init(encode: { text in
            guard specials.contains(where: { text.contains($0) }) else { return bpe.encode(text) }
            var out: [Int32] = []
            for piece in Self.cutSpecials(text, specials) { out += bpe.encode(piece) }
            return out
        }, endOfText: end, fimPrefix: fim.count == 3 ? fim[0] : end, fimSuffix: fim.count == 3 ? fim[1] : end,
           fimMiddle: fim.count == 3 ? fim[2] : end, pad: bpe.id(ofSpecial: BPETokenizer.pad) ?? end,
           supportsFIM: fim.count == 3)
    }

    /// `text` split so that no piece contains a whole special token: each occurrence is cut after its
    /// first character.
    static func cutSpecials(_ text: String, _ specials: [String]) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while let r = specials.compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            let cut = rest.index(after: r.lowerBound)
            pieces.append(String(rest[..<cut]))
            rest = rest[cut...]
        }
        pieces.append(String(rest))
        return pieces.filter { !$0.isEmpty }
    }
}
