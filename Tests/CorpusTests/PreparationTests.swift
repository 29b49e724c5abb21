@testable import Corpus
import FileFormats
import Tokenizer
import XCTest

/// `prepare` end to end on a small directory, with a small trained tokenizer.
final class PreparationTests: XCTestCase {
    var dir: URL!
    var recipeURL: URL!

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self, "prepare")
        for i in 0..<40 { try writeFile(dir, "code/pkg\(i % 4)/m\(i).py", pythonSource("m\(i)", lines: 4)) }
        try writeFile(dir, "code/pkg0/dup.py", pythonSource("m0", lines: 4))
        try writeFile(dir, "code/pkg1/latin1.py", Data([0x23, 0x20, 0xE9, 0x0A]))
        recipeURL = try writeFile(dir, "sets/small.yaml", """
        name: small
        sources:
          - directory: ../code
        split: {validation_fraction: 0.1}
        tokenizer: {train: {vocab_size: 600}}
        shard_tokens: 4096
        """)
    }

    func testPrepareWritesShardsAndManifestThenHitsTheCache() throws {
        let recipe = try DatasetRecipe.load(recipeURL)
        let first = try DatasetPreparation.prepare(recipe, options: .init(threads: 2))
        XCTAssertFalse(first.cacheHit)
        XCTAssertEqual(first.directory.deletingLastPathComponent().path, dir.appendingPathComponent("sets/cache").path)
        XCTAssertTrue(first.directory.lastPathComponent.hasPrefix("small-"))
        let m = first.manifest
        XCTAssertEqual(m.documents, 40)
        XCTAssertEqual(m.filters[.duplicate], 1)
        XCTAssertEqual(m.filters[.nonUTF8], 1)
        XCTAssertEqual(m.issueCounts["non_utf8"], 1)
        XCTAssertEqual(m.tokenDtype, .uint16)
        XCTAssertLessThanOrEqual(m.tokenizer.vocabSize, 600, "a small corpus may run out of pairs")
        XCTAssertEqual(m.splits["train"]!.documents + m.splits["validation"]!.documents, 40)
        XCTAssertGreaterThan(m.splits["train"]!.shards.count, 1, "small shard_tokens gives several shards")
        XCTAssertEqual(m.sourceIdentity, "paths+sizes+mtimes")

        // The shards decode back to the documents, each followed by <|endoftext|>.
        let dataset = try TokenDataset(directory: first.directory, verifyChecksums: true)
        let tokenizer = try BPETokenizer(contentsOf: dataset.tokenizerURL)
        XCTAssertEqual(tokenizer.vocabularySize, m.tokenizer.vocabSize)
        XCTAssertEqual(try SHA256Digest.hex(fileAt: dataset.tokenizerURL), m.tokenizer.sha256)
        let train = try dataset.split("train")
        var ids: [Int32] = []
        for s in train.shards { ids += (0..<s.count).map { s[$0] } }
        XCTAssertEqual(ids.count, m.splits["train"]!.tokens)
        let eot = Int32(m.tokenizer.endOfTextId)
        XCTAssertEqual(ids.last, eot)
        let docs = ids.split(separator: eot).map { String(decoding: tokenizer.decodeBytes($0), as: UTF8.self) }
        XCTAssertEqual(docs.count, m.splits["train"]!.documents)
        let expected = Set((0..<40).map { pythonSource("m\($0)", lines: 4) })
        XCTAssertTrue(Set(docs).isSubset(of: expected))
        XCTAssertEqual(m.bytes, expected.reduce(0) { $0 + $1.utf8.count })

        // Second prepare: a cache hit that reads nothing (the progress never reports reading).
        var events: [String] = []
        let second = try DatasetPreparation.prepare(try DatasetRecipe.load(recipeURL), options: .init(progress: { events.append("\($0)") }))
        XCTAssertTrue(second.cacheHit)
        XCTAssertEqual(second.directory.path, first.directory.path)
        XCTAssertEqual(second.manifest, m)
        XCTAssertEqual(events.count, 1)
        XCTAssertTrue(events[0].contains("cacheHit: true"))

        // Touching a source changes the key: a new directory, the old one left as it was.
        try writeFile(dir, "code/pkg2/new.py", pythonSource("new", lines: 4))
        let third = try DatasetPreparation.prepare(try DatasetRecipe.load(recipeURL), options: .init(threads: 1))
        XCTAssertFalse(third.cacheHit)
        XCTAssertNotEqual(third.directory.path, first.directory.path)
        XCTAssertEqual(third.manifest.documents, 41)
    }

    func testFailureMidwayLeavesNoDatasetAndNoTemporaryFiles() throws {
        let recipe = try DatasetRecipe.load(recipeURL)
        struct Stop: Error {}
        XCTAssertThrowsError(try DatasetPreparation.prepare(recipe, options: .init(progress: { event in
            if case .encoded(let split, _, _, _) = event, split == "train" { throw Stop() }
        }))) { XCTAssertTrue($0 is Stop) }
        let cache = dir.appendingPathComponent("sets/cache")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.path), [], "no dataset, no temporary directory")
        let location = try DatasetPreparation.locate(recipe)
        XCTAssertNil(DatasetPreparation.cached(at: location.directory, key: location.key))
        XCTAssertThrowsError(try TokenDataset(directory: location.directory)) {
            XCTAssertTrue("\($0)".contains("not a prepared dataset"))
        }
    }

    func testTemporaryDirectoryOfAKilledRunIsRemoved() throws {
        let recipe = try DatasetRecipe.load(recipeURL)
        let location = try DatasetPreparation.locate(recipe)
        let cache = location.directory.deletingLastPathComponent()
        // pid 2^22+1 is above Linux's pid_max default range: no such process.
        let stale = cache.appendingPathComponent(".\(location.directory.lastPathComponent).tmp-4194305-7")
        try writeFile(stale, "train-00000.bin", "half")
        _ = try DatasetPreparation.prepare(recipe, options: .init(threads: 1))
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.path), [location.directory.lastPathComponent])
    }

    func testDirectoryWithoutManifestIsNotADataset() throws {
        let recipe = try DatasetRecipe.load(recipeURL)
        let prepared = try DatasetPreparation.prepare(recipe, options: .init(threads: 1))
        try FileManager.default.removeItem(at: prepared.directory.appendingPathComponent(DatasetManifest.fileName))
        XCTAssertNil(DatasetPreparation.cached(at: prepared.directory, key: prepared.manifest.cacheKey))
        let again = try DatasetPreparation.prepare(recipe, options: .init(threads: 1))
        XCTAssertFalse(again.cacheHit, "a directory without a manifest is rebuilt")
        XCTAssertNotNil(DatasetPreparation.cached(at: again.directory, key: again.manifest.cacheKey))
    }

    func testStrictTurnsInputProblemsIntoErrorsAndWritesNothing() throws {
        let recipe = try DatasetRecipe.load(recipeURL)
        XCTAssertThrowsError(try DatasetPreparation.prepare(recipe, options: .init(strict: true))) { error in
            let errors = (error as? InputErrors)?.errors ?? []
            XCTAssertEqual(errors.count, 1)
            XCTAssertEqual(errors.first?.file, dir.appendingPathComponent("code/pkg1/latin1.py").path)
        }
        let cache = dir.appendingPathComponent("sets/cache").path
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        XCTAssertEqual(left, [], "nothing written")
        // A dataset prepared without --strict does not let a strict run through on a cache hit.
        _ = try DatasetPreparation.prepare(recipe, options: .init(threads: 1))
        XCTAssertThrowsError(try DatasetPreparation.prepare(recipe, options: .init(strict: true))) { error in
            XCTAssertEqual((error as? InputErrors)?.errors.count, 1)
        }
    }

    func testGivenTokenizerFileIsCopiedAndPartOfTheKey() throws {
        let recipe = try DatasetRecipe.load(recipeURL)
        let trained = try DatasetPreparation.prepare(recipe, options: .init(threads: 1))
        let tokFile = dir.appendingPathComponent("tok.json")
        try FileManager.default.copyItem(at: trained.directory.appendingPathComponent("tokenizer.json"), to: tokFile)
        var fixed = recipe
        fixed.tokenizer = .file(tokFile)
        let withFile = try DatasetPreparation.prepare(fixed, options: .init(threads: 1))
        XCTAssertFalse(withFile.manifest.tokenizer.trained)
        XCTAssertEqual(withFile.manifest.tokenizer.sha256, try BPETokenizer(contentsOf: tokFile).contentHash)
        XCTAssertEqual(withFile.manifest.tokenizer.sha256, try SHA256Digest.hex(fileAt: withFile.directory.appendingPathComponent("tokenizer.json")))
        XCTAssertNotEqual(withFile.directory.path, trained.directory.path)
        XCTAssertEqual(withFile.manifest.splits["train"]?.shards.map(\.sha256), trained.manifest.splits["train"]?.shards.map(\.sha256),
                       "the same tokenizer gives the same shards")
    }

    func testLoaderOverAPreparedDataset() throws {
        let prepared = try DatasetPreparation.prepare(try DatasetRecipe.load(recipeURL), options: .init(threads: 1))
        let dataset = try TokenDataset(directory: prepared.directory)
        var loader = try TokenWindowLoader(split: try dataset.split("train"), contextLength: 64, batchSize: 4, seed: 3)
        let batch = loader.next()
        XCTAssertEqual(batch.inputs.count, 256)
        XCTAssertTrue(batch.inputs.allSatisfy { $0 >= 0 && Int($0) < dataset.manifest.tokenizer.vocabSize })
    }
}
