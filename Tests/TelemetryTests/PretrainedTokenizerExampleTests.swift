@testable import Telemetry
import Tokenizer
import XCTest

/// A pretrained model's tokenizer (SmolLM2's: `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`, no `<|pad|>`,
/// no FIM tokens) still builds prompt → completion rows: it pads with `<|endoftext|>` and says it has no FIM.
final class PretrainedTokenizerExampleTests: XCTestCase {
    let docs = ["def add(a, b):\n    return a + b\n", "for i in range(10):\n    print(i)\n"]

    func testTokenizerWithoutPadOrFIMPadsWithEndOfText() throws {
        let bpe = BPETokenizer.train(documents: docs, vocabSize: 300, specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        let t = try CompletionTokenizer(bpe)
        let end = try XCTUnwrap(bpe.id(ofSpecial: BPETokenizer.endOfText))
        XCTAssertEqual(t.endOfText, end)
        XCTAssertEqual(t.pad, end)
        XCTAssertFalse(t.supportsFIM)
        let example = CompletionExample(prefix: t.encode("def f(x):\n"), suffix: nil, target: t.encode("    return x\n") + [end],
                                        eventID: "e", session: "s")
        let row = CompletionExamples.layout(example, contextLength: 32, tokenizer: t)
        let used = example.prefix.count + example.target.count - 1
        XCTAssertEqual(Array(row.ids[..<used]), Array((example.prefix + example.target).prefix(used)))
        XCTAssertEqual(Array(row.ids[used...]), Array(repeating: end, count: 32 - used), "padding is <|endoftext|>")
        XCTAssertEqual(row.labels.filter { $0 != CompletionExamples.ignoreLabel }, example.target, "loss on the target and its end token only")
    }

    func testDefaultTokenizerHasFIMAndPad() throws {
        let bpe = BPETokenizer.train(documents: docs, vocabSize: 300)
        let t = try CompletionTokenizer(bpe)
        XCTAssertTrue(t.supportsFIM)
        XCTAssertEqual(t.pad, bpe.id(ofSpecial: BPETokenizer.pad))
        XCTAssertEqual(t.fimMiddle, bpe.id(ofSpecial: BPETokenizer.fimMiddle))
    }

    func testTokenizerWithoutEndOfTextIsRefused() {
        let bpe = BPETokenizer.train(documents: docs, vocabSize: 300, specialTokens: ["<|im_end|>"])
        XCTAssertThrowsError(try CompletionTokenizer(bpe, source: "model.gguf")) { error in
            XCTAssertTrue("\(error)".contains("<|endoftext|>"), "\(error)")
        }
    }
}
