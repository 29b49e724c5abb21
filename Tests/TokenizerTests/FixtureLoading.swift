import Foundation
import XCTest

/// The files in `Fixtures/` (made by `Fixtures/make_fixture.py` with the `tokenizers` library).
enum Fixture {
    static func url(_ name: String) throws -> URL {
        let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
        if let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") { return url }
        if let url = Bundle.module.url(forResource: base, withExtension: ext) { return url }
        throw XCTSkip("fixture \(name) missing")
    }

    struct Case: Decodable {
        var text: String
        var ids: [Int32]
        var words: [String]?
        var ids_prefix_space: [Int32]?
        var ids_ignore_merges: [Int32]?
    }

    struct Cases: Decodable {
        var tokenizers_version: String
        var cases: [Case]
    }

    static func parityCases() throws -> Cases {
        try JSONDecoder().decode(Cases.self, from: Data(contentsOf: url("hf_parity_cases.json")))
    }

    static func trainingDocuments() throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(contentsOf: url("train_docs.json")))
    }
}
