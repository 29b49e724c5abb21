import Foundation
import Tokenizer
import XCTest

/// Encoding, decoding, training and `tokenizer.json` writing against the `tokenizers` library
/// (fixtures made by `Fixtures/make_fixture.py`).
final class ParityTests: XCTestCase {
    func testEncodesLikeTokenizers() throws {
        let cases = try Fixture.parityCases()
        for file in ["hf_bpe_600.json", "hf_bpe_600_strmerges.json"] {
            let tokenizer = try BPETokenizer(contentsOf: Fixture.url(file))
            XCTAssertEqual(tokenizer.vocabularySize, 600)
            var mismatches = 0
            for c in cases.cases {
                let ids = tokenizer.encode(c.text)
                if ids != c.ids {
                    mismatches += 1
                    if mismatches <= 5 { XCTFail("\(file): \(c.text.debugDescription): got \(ids), tokenizers \(c.ids)") }
                }
                XCTAssertEqual(tokenizer.decode(ids), c.text)
                XCTAssertEqual(tokenizer.decodeBytes(ids), Array(c.text.utf8))
            }
            XCTAssertEqual(mismatches, 0, "\(file): \(mismatches) of \(cases.cases.count) texts encode differently")
        }
    }

    func testPrefixSpaceAndIgnoreMergesLikeTokenizers() throws {
        let cases = try Fixture.parityCases()
        let prefix = try BPETokenizer(contentsOf: Fixture.url("hf_bpe_600_prefix_space.json"))
        let ignore = try BPETokenizer(contentsOf: Fixture.url("hf_bpe_600_ignore_merges.json"))
        XCTAssertTrue(prefix.addPrefixSpace)
        XCTAssertTrue(ignore.ignoreMerges)
        var checked = 0
        for c in cases.cases {
            guard let p = c.ids_prefix_space, let i = c.ids_ignore_merges else { continue }
            XCTAssertEqual(prefix.encode(c.text), p, "add_prefix_space: \(c.text.debugDescription)")
            XCTAssertEqual(ignore.encode(c.text), i, "ignore_merges: \(c.text.debugDescription)")
            checked += 1
        }
        XCTAssertEqual(checked, 80)
    }

    func testBatchEncodingMatchesSingle() throws {
        let cases = try Fixture.parityCases()
        let tokenizer = try BPETokenizer(contentsOf: Fixture.url("hf_bpe_600.json"))
        let texts = cases.cases.map(\.text)
        XCTAssertEqual(tokenizer.encodeBatch(texts, threads: 2), cases.cases.map(\.ids))
        let encoder = tokenizer.makeEncoder()
        for c in cases.cases {  // a reused encoder (warm word cache) gives the same ids
            var ids: [Int32] = []
            encoder.encode(c.text, into: &ids)
            XCTAssertEqual(ids, c.ids)
        }
    }

    func testPreTokenizerSplitsLikeTokenizers() throws {
        let cases = try Fixture.parityCases()
        var checked = 0
        for c in cases.cases {
            guard let expected = c.words else { continue }
            let bytes = Array(c.text.utf8)
            let words = PreTokenizer.words(c.text).map { ByteLevel.string(of: bytes[$0]) }
            XCTAssertEqual(words, expected, c.text.debugDescription)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 250)
    }

    func testTrainsTheSameMergesAsTokenizers() throws {
        let reference = try BPETokenizer(contentsOf: Fixture.url("hf_bpe_600.json"))
        let docs = try Fixture.trainingDocuments()
        let trained = BPETokenizer.train(documents: docs, vocabSize: 600, threads: 2)
        XCTAssertEqual(trained.vocabularySize, 600)
        XCTAssertEqual(trained.tokenBytes, reference.tokenBytes)
        XCTAssertEqual(trained.merges.map { [$0.left, $0.right, $0.merged] },
                       reference.merges.map { [$0.left, $0.right, $0.merged] })
        XCTAssertEqual(trained.addedTokens, reference.addedTokens)
    }

    func testWritesTheFileTokenizersWrites() throws {
        let url = try Fixture.url("hf_bpe_600.json")
        let original = try String(contentsOf: url, encoding: .utf8)
        let tokenizer = try BPETokenizer(contentsOf: url)
        XCTAssertEqual(tokenizer.jsonString(), original)
        let strMerges = try BPETokenizer(contentsOf: Fixture.url("hf_bpe_600_strmerges.json"))
        XCTAssertEqual(strMerges.jsonString(), original)
        XCTAssertEqual(strMerges.contentHash, tokenizer.contentHash)
    }
}
