import FileFormats
import Foundation
import Tokenizer
import XCTest

final class TokenizerTests: XCTestCase {
    static let docs = [
        "def add(a, b):\n    return a + b\n",
        "def sub(a, b):\n    return a - b\n",
        "class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n",
        "# Grüße 😀 中文\nprint('hello world')\n",
    ]

    func testTrainedLayout() {
        let t = BPETokenizer.train(documents: Self.docs, vocabSize: 300)
        XCTAssertEqual(t.vocabularySize, 300)
        for (i, s) in BPETokenizer.defaultSpecialTokens.enumerated() { XCTAssertEqual(t.id(ofSpecial: s), Int32(i)) }
        XCTAssertEqual(t.tokenBytes[5], [UInt8(ascii: "!")])  // first byte token in alphabet order
        XCTAssertEqual(t.merges.count, 300 - 5 - 256)
        for (i, m) in t.merges.enumerated() {
            XCTAssertEqual(m.merged, Int32(261 + i))
            XCTAssertEqual(t.tokenBytes[Int(m.merged)], t.tokenBytes[Int(m.left)] + t.tokenBytes[Int(m.right)])
        }
    }

    func testStopsWhenPairsRunOut() {
        let t = BPETokenizer.train(documents: ["ab ab"], vocabSize: 4096)
        XCTAssertEqual(t.vocabularySize, 5 + 256 + 2)  // "ab" (count 2), then "Ġab"
        XCTAssertEqual(t.encode("ab ab"), [261, 262])
    }

    func testSpecialTokensAreMatchedBeforeSplitting() {
        let t = BPETokenizer.train(documents: Self.docs, vocabSize: 320)
        let eot = t.id(ofSpecial: BPETokenizer.endOfText)!
        let ids = t.encode("a<|endoftext|>b<fim_prefix>")
        XCTAssertEqual(ids.count, 4)
        XCTAssertEqual(ids[1], eot)
        XCTAssertEqual(ids[3], t.id(ofSpecial: BPETokenizer.fimPrefix))
        XCTAssertEqual(t.decode(ids), "a<|endoftext|>b<fim_prefix>")
        XCTAssertEqual(t.decode(ids, skipSpecialTokens: true), "ab")
    }

    func testRoundTripsAnyText() {
        let t = BPETokenizer.train(documents: Self.docs, vocabSize: 400)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let scalars = (0..<Int.random(in: 0...40, using: &rng)).compactMap { _ -> Unicode.Scalar? in
                let pick = Int.random(in: 0..<4, using: &rng)
                let v: UInt32 = [UInt32.random(in: 0...0x7F, using: &rng), UInt32.random(in: 0x80...0x7FF, using: &rng),
                                 UInt32.random(in: 0x800...0xFFFF, using: &rng), UInt32.random(in: 0x10000...0x10FFFF, using: &rng)][pick]
                return Unicode.Scalar(v)
            }
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars)
            let text = String(s)
            let ids = t.encode(text)
            XCTAssertEqual(t.decodeBytes(ids), Array(text.utf8))
            XCTAssertEqual(t.decode(ids), text)
        }
    }

    func testDecodesBytesThatAreNotUTF8() {
        let t = BPETokenizer.train(documents: Self.docs, vocabSize: 300)
        let ids = t.encode("é")  // two byte tokens: 0xC3 0xA9 (no merge for them in this corpus)
        XCTAssertEqual(t.decodeBytes(ids), [0xC3, 0xA9])
        XCTAssertEqual(t.decodeBytes(ids.prefix(1)), [0xC3])
        XCTAssertEqual(t.decode(ids.prefix(1)), "\u{FFFD}")
        XCTAssertEqual(t.decodeBytes([-1, 99_999] + ids), [0xC3, 0xA9])  // unknown ids are skipped
    }

    func testSaveAndLoad() throws {
        let t = BPETokenizer.train(documents: Self.docs, vocabSize: 350)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("tokenizer.json")
        try t.write(to: url)
        let loaded = try BPETokenizer(contentsOf: url)
        XCTAssertEqual(loaded.jsonString(), t.jsonString())
        XCTAssertEqual(loaded.contentHash, t.contentHash)
        XCTAssertEqual(loaded.contentHash.count, 64)
        for d in Self.docs { XCTAssertEqual(loaded.encode(d), t.encode(d)) }
    }

    func testRejectsWhatItCannotEncodeFaithfully() throws {
        let t = BPETokenizer.train(documents: Self.docs, vocabSize: 280)
        let base = try JSONSerialization.jsonObject(with: Data(t.jsonString().utf8)) as! [String: Any]
        func load(_ edit: (inout [String: Any]) -> Void) -> String? {
            var j = base
            edit(&j)
            let data = try! JSONSerialization.data(withJSONObject: j)
            do { _ = try BPETokenizer(jsonData: data, source: "x.json"); return nil } catch let e as InputError {
                return e.description
            } catch { return "\(error)" }
        }
        XCTAssertNil(load { _ in })
        XCTAssertEqual(load { $0["normalizer"] = ["type": "NFC"] }, "x.json: normalizer: unsupported normalizer NFC (only null)")
        XCTAssertNotNil(load { $0["pre_tokenizer"] = ["type": "Whitespace"] })
        XCTAssertNotNil(load { j in var m = j["model"] as! [String: Any]; m["type"] = "WordPiece"; j["model"] = m })
        XCTAssertNotNil(load { j in var m = j["model"] as! [String: Any]; m["merges"] = [["Ġ", "nope"]]; j["model"] = m })
        XCTAssertNotNil(load { j in var m = j["model"] as! [String: Any]; m["vocab"] = ["a": -1]; j["model"] = m })
        XCTAssertThrowsError(try BPETokenizer(jsonData: Data("{not json".utf8)))
        XCTAssertThrowsError(try BPETokenizer(contentsOf: URL(fileURLWithPath: "/nonexistent/tokenizer.json"))) { e in
            XCTAssertTrue((e as? InputError)?.description.hasPrefix("/nonexistent/tokenizer.json: ") ?? false)
        }
    }

    func testByteLevelMapping() {
        XCTAssertEqual(ByteLevel.string(of: Array(" \n".utf8)), "ĠĊ")
        for b in 0..<256 { XCTAssertEqual(ByteLevel.bytes(of: ByteLevel.string(of: [UInt8(b)])), [UInt8(b)]) }
        XCTAssertNil(ByteLevel.bytes(of: "\u{4E2D}"))
        XCTAssertEqual(Set(ByteLevel.bytesInAlphabetOrder).count, 256)
    }
}
