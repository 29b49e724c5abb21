@testable import Corpus
import FileFormats
import XCTest

/// The loader over synthetic shards: token `i` of the stream has the value `i % 50000`, so
/// every window names where it came from.
final class LoaderTests: XCTestCase {
    /// Writes a dataset directory whose train split is `documents` documents of the given
    /// lengths (values continue across documents), through the real shard writer.
    func makeDataset(documentLengths: [Int], shardTokens: Int, dtype: TokenDType = .uint16) throws -> TokenDataset {
        let dir = try makeTemporaryDirectory(self, "loader")
        var writer = TokenShardWriter(directory: dir, prefix: "train", dtype: dtype, shardTokens: shardTokens, endOfText: 0)
        var next: Int32 = 1
        for n in documentLengths {
            try writer.append(document: (0..<n).map { _ in defer { next = next % 50000 + 1 }; return next })
        }
        let shards = try writer.finish()
        var val = TokenShardWriter(directory: dir, prefix: "validation", dtype: dtype, shardTokens: shardTokens, endOfText: 0)
        try val.append(document: (1...300).map { Int32($0) })
        let valShards = try val.finish()
        let manifest = DatasetManifest(
            format: DatasetManifest.currentFormat, name: "synthetic", cacheKey: "k", sourceIdentity: "none", recipe: "none",
            createdAt: "", prepareSeconds: 0,
            tokenizer: .init(file: "tokenizer.json", sha256: "", vocabSize: 50001, endOfTextId: 0, trained: false),
            tokenDtype: dtype, separator: "<|endoftext|>", split: .init(method: "", validationFraction: 0),
            sources: [], documents: documentLengths.count, tokens: writer.tokens, bytes: 0,
            splits: ["train": SplitInfo(documents: documentLengths.count, tokens: writer.tokens, bytes: 0, shards: shards),
                     "validation": SplitInfo(documents: 1, tokens: val.tokens, bytes: 0, shards: valShards)],
            extensions: [:], filters: FilterReport(), issueCounts: [:], issues: [])
        try AtomicFile.write(try manifest.encoded(), to: dir.appendingPathComponent(DatasetManifest.fileName))
        return try TokenDataset(directory: dir, verifyChecksums: true)
    }

    func testShardWriterJoinsDocumentsWithEndOfTextAndRespectsShardSize() throws {
        let ds = try makeDataset(documentLengths: [5, 3, 12, 2], shardTokens: 8)
        let split = try ds.split("train")
        var all: [Int32] = []
        for s in split.shards { all += (0..<s.count).map { s[$0] } }
        XCTAssertEqual(all, [1, 2, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 0, 21, 22, 0])
        XCTAssertTrue(split.shards.allSatisfy { $0.count <= 8 })
        XCTAssertEqual(split.shards.map(\.count), [6, 8, 8, 4], "a document that fits the next shard starts it; a longer one is cut")
        XCTAssertEqual(ds.manifest.splits["train"]?.tokens, 26)
    }

    func testWindowsAreShiftedPairsWithinShards() throws {
        let ds = try makeDataset(documentLengths: [100, 100, 100], shardTokens: 1000)
        let split = try ds.split("train")
        var loader = try TokenWindowLoader(split: split, contextLength: 16, batchSize: 4, seed: 1)
        XCTAssertEqual(loader.windowsPerEpoch, (303 - 1) / 16)
        let b = loader.next()
        XCTAssertEqual(b.rows, 4)
        XCTAssertEqual(b.columns, 16)
        XCTAssertEqual(b.inputs.count, 64)
        for r in 0..<4 {
            XCTAssertEqual(Array(b.inputs[(r * 16 + 1)..<(r * 16 + 16)]), Array(b.targets[(r * 16)..<(r * 16 + 15)]))
        }
    }

    func testEpochVisitsEveryWindowOnceAndEpochsDiffer() throws {
        let ds = try makeDataset(documentLengths: Array(repeating: 97, count: 40), shardTokens: 700)
        let split = try ds.split("train")
        var loader = try TokenWindowLoader(split: split, contextLength: 8, batchSize: 1, seed: 42)
        let n = loader.windowsPerEpoch
        var firstEpoch: [[Int32]] = []
        for _ in 0..<n { firstEpoch.append(loader.next().inputs) }
        XCTAssertEqual(Set(firstEpoch.map { $0.description }).count, n, "without replacement")
        XCTAssertEqual(loader.position.epoch, 0)
        var secondEpoch: [[Int32]] = []
        for _ in 0..<n { secondEpoch.append(loader.next().inputs) }
        XCTAssertEqual(loader.position.epoch, 1)
        XCTAssertEqual(Set(secondEpoch.map { $0.description }), Set(firstEpoch.map { $0.description }))
        XCTAssertNotEqual(secondEpoch, firstEpoch, "each epoch has its own order")
    }

    func testSameSeedSameBatchesOtherSeedOtherBatches() throws {
        let split = try makeDataset(documentLengths: Array(repeating: 200, count: 20), shardTokens: 1500).split("train")
        var a = try TokenWindowLoader(split: split, contextLength: 32, batchSize: 3, seed: 7)
        var b = try TokenWindowLoader(split: split, contextLength: 32, batchSize: 3, seed: 7)
        var c = try TokenWindowLoader(split: split, contextLength: 32, batchSize: 3, seed: 8)
        var same = true
        for _ in 0..<10 {
            let x = a.next()
            XCTAssertEqual(x, b.next())
            if x != c.next() { same = false }
        }
        XCTAssertFalse(same)
    }

    func testResumeFromASavedPositionSeesExactlyTheUninterruptedBatches() throws {
        let split = try makeDataset(documentLengths: Array(repeating: 150, count: 30), shardTokens: 1000, dtype: .uint32).split("train")
        var straight = try TokenWindowLoader(split: split, contextLength: 16, batchSize: 5, seed: 2024)
        let epochLength = straight.windowsPerEpoch
        var expected: [TokenBatch] = []
        let steps = 3 * epochLength / 5 + 7 // crosses epoch boundaries mid-batch
        for _ in 0..<steps { expected.append(straight.next()) }

        var first = try TokenWindowLoader(split: split, contextLength: 16, batchSize: 5, seed: 2024)
        let cut = epochLength / 5 + 3
        for i in 0..<cut { XCTAssertEqual(first.next(), expected[i]) }
        // Save the position as a checkpoint would (JSON), and resume in a fresh loader.
        let saved = try JSONEncoder().encode(first.position)
        let position = try JSONDecoder().decode(LoaderPosition.self, from: saved)
        XCTAssertEqual(position.epoch, 1)
        var resumed = try TokenWindowLoader(split: split, contextLength: 16, batchSize: 5, seed: 999, position: position)
        for i in cut..<steps { XCTAssertEqual(resumed.next(), expected[i], "batch \(i)") }
        XCTAssertEqual(resumed.position, straight.position)
    }

    func testPositionFromAnotherDatasetIsRejected() throws {
        let split = try makeDataset(documentLengths: [500], shardTokens: 1000).split("train")
        var loader = try TokenWindowLoader(split: split, contextLength: 16, batchSize: 2, seed: 1)
        XCTAssertThrowsError(try loader.restore(LoaderPosition(seed: 1, epoch: 0, index: 0, windowsPerEpoch: 3))) { error in
            XCTAssertTrue("\(error)".contains("changed"))
        }
        XCTAssertThrowsError(try TokenWindowLoader(split: split, contextLength: 600, batchSize: 1, seed: 1))
    }

    func testValidationWindowsAreFixedAndSpreadWhenLimited() throws {
        let ds = try makeDataset(documentLengths: [10], shardTokens: 1000)
        let split = try ds.split("validation")
        let all = try ValidationWindows(split: split, contextLength: 10, batchSize: 4)
        XCTAssertEqual(all.count, 30)
        XCTAssertEqual(all.batchCount, 8)
        XCTAssertEqual(all.batch(0).inputs.prefix(10), ArraySlice((1...10).map { Int32($0) }))
        XCTAssertEqual(all.batch(7).rows, 2)
        XCTAssertEqual(all.batch(3), try ValidationWindows(split: split, contextLength: 10, batchSize: 4).batch(3))
        let some = try ValidationWindows(split: split, contextLength: 10, batchSize: 4, maxWindows: 3)
        XCTAssertEqual(some.count, 3)
        XCTAssertEqual(some.batch(0).inputs.first, 1)
        XCTAssertEqual(some.batch(0).inputs[10], 101)
        XCTAssertEqual(some.batch(0).inputs[20], 201)
    }

    func testDamagedShardIsCaughtBySizeAndChecksum() throws {
        let ds = try makeDataset(documentLengths: [100, 100], shardTokens: 1000)
        let shard = ds.directory.appendingPathComponent("train-00000.bin")
        var data = try Data(contentsOf: shard)
        data[10] ^= 0xFF
        try data.write(to: shard)
        XCTAssertThrowsError(try TokenDataset(directory: ds.directory, verifyChecksums: true))
        try data.prefix(20).write(to: shard)
        XCTAssertThrowsError(try ds.split("train")) { XCTAssertTrue("\($0)".contains("manifest says")) }
    }
}
