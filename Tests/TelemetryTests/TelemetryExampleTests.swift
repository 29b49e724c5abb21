@testable import Telemetry
import XCTest

/// A character-level stand-in tokenizer: byte + 10, specials 0–4.
var telemetryTestTokenizer: CompletionTokenizer {
    CompletionTokenizer(encode: { s in s.utf8.map { Int32($0) + 10 } }, endOfText: 0, fimPrefix: 1, fimSuffix: 2, fimMiddle: 3, pad: 4)
}

final class TelemetryExampleTests: XCTestCase {
    func event(_ outcome: TelemetryOutcome, prefix: String = "ab", suffix: String = "", suggestion: String = "xyz",
               acceptedLength: Int? = nil, edited: String? = nil, id: String = "e") -> TelemetryEvent {
        var e = TelemetryValidationTests.event(id, outcome: outcome, suggestion: suggestion, acceptedLength: acceptedLength)
        e.prefix = prefix; e.suffix = suffix; e.edited = edited; e.scrubbed = true
        return e
    }

    func ids(_ s: String) -> [Int32] { telemetryTestTokenizer.encode(s) }

    func testTargetsFollowTheDeveloper() {
        XCTAssertEqual(CompletionExamples.target(of: event(.accepted)), "xyz")
        XCTAssertEqual(CompletionExamples.target(of: event(.partial, acceptedLength: 2)), "xy")
        XCTAssertEqual(CompletionExamples.target(of: event(.accepted, edited: "xyw")), "xyw")
        XCTAssertNil(CompletionExamples.target(of: event(.rejected)))
        let set = CompletionExamples.build([event(.accepted, id: "1"), event(.rejected, id: "2"), event(.partial, acceptedLength: 1, id: "3")],
                                           tokenizer: telemetryTestTokenizer)
        XCTAssertEqual(set.examples.map(\.eventID), ["1", "3"])
        XCTAssertEqual(set.rejected.map(\.eventID), ["2"])
        XCTAssertEqual(set.rejected[0].suggestion, ids("xyz"))
        XCTAssertEqual(set.countsByOutcome, [.accepted: 1, .rejected: 1, .partial: 1])
        XCTAssertEqual(set.examples[1].target, ids("x") + [0])
    }

    func testPlainLayoutMasksPromptAndPadding() {
        let ex = CompletionExamples.build([event(.accepted)], tokenizer: telemetryTestTokenizer).examples[0]
        let (i, l) = CompletionExamples.layout(ex, contextLength: 8, tokenizer: telemetryTestTokenizer)
        // sequence: a b x y z <eot>; inputs drop the last token; labels are the next token from the target on
        XCTAssertEqual(i, ids("abxyz") + [4, 4, 4])
        XCTAssertEqual(l, [-100] + ids("xyz") + [0, -100, -100, -100])
    }

    func testFIMLayout() {
        let ex = CompletionExamples.build([event(.accepted, prefix: "ab", suffix: "cd", suggestion: "x")], tokenizer: telemetryTestTokenizer).examples[0]
        let (i, l) = CompletionExamples.layout(ex, contextLength: 10, tokenizer: telemetryTestTokenizer)
        XCTAssertEqual(i, [1] + ids("ab") + [2] + ids("cd") + [3] + ids("x") + [4, 4])
        XCTAssertEqual(l, [-100, -100, -100, -100, -100, -100] + ids("x") + [0, -100, -100])
    }

    func testLongPromptsAreCutFromTheLeftAndSuffixFromTheRight() {
        let plain = CompletionExamples.build([event(.accepted, prefix: "0123456789", suggestion: "xy")], tokenizer: telemetryTestTokenizer).examples[0]
        var (i, l) = CompletionExamples.layout(plain, contextLength: 6, tokenizer: telemetryTestTokenizer)
        XCTAssertEqual(i, ids("6789xy"))
        XCTAssertEqual(l, [-100, -100, -100] + ids("xy") + [0])

        let fim = CompletionExamples.build([event(.accepted, prefix: "0123456789", suffix: "ABCDEFGH", suggestion: "x")], tokenizer: telemetryTestTokenizer).examples[0]
        (i, l) = CompletionExamples.layout(fim, contextLength: 12, tokenizer: telemetryTestTokenizer)
        // budget 13 - 2 = 11 prompt tokens: 3 specials, suffix ⌊8/4⌋ = 2, prefix 6
        XCTAssertEqual(i, [1] + ids("456789") + [2] + ids("AB") + [3] + ids("x"))
        XCTAssertEqual(Array(l.suffix(2)), ids("x") + [0])
        XCTAssertEqual(l.filter { $0 != -100 }.count, 2)
    }

    func testTargetLongerThanContextKeepsOnePromptToken() {
        let ex = CompletionExamples.build([event(.accepted, prefix: "ab", suggestion: "0123456789")], tokenizer: telemetryTestTokenizer).examples[0]
        let (i, l) = CompletionExamples.layout(ex, contextLength: 4, tokenizer: telemetryTestTokenizer)
        XCTAssertEqual(i, ids("b012"))
        XCTAssertEqual(l, ids("0123"))
    }

    func testEmptyPrefixStartsFromEndOfText() {
        let ex = CompletionExamples.build([event(.accepted, prefix: "", suggestion: "x")], tokenizer: telemetryTestTokenizer).examples[0]
        let (i, l) = CompletionExamples.layout(ex, contextLength: 3, tokenizer: telemetryTestTokenizer)
        XCTAssertEqual(i, [0] + ids("x") + [4])
        XCTAssertEqual(l, ids("x") + [0, -100])
    }

    func testBatchesAreRowsOfSingleExamplesAndResumeExactly() {
        let events = (0..<7).map { event(.accepted, prefix: String(repeating: "p", count: $0 + 1), suggestion: "s\($0)", id: "e\($0)") }
        let examples = CompletionExamples.build(events, tokenizer: telemetryTestTokenizer).examples
        var stream = CompletionBatchStream(examples: examples, batchSize: 3, contextLength: 12, seed: 42, tokenizer: telemetryTestTokenizer)
        var seen: [[Int32]] = []
        var batches: [CompletionBatch] = []
        for _ in 0..<5 { batches.append(stream.next()) }
        for b in batches {
            XCTAssertEqual(b.ids.count, 36); XCTAssertEqual(b.labels.count, 36)
            for r in 0..<3 {
                let row = Array(b.ids[(r * 12)..<(r * 12 + 12)])
                let labels = Array(b.labels[(r * 12)..<(r * 12 + 12)])
                // exactly one example per row: one end-of-text label, padding only after it
                XCTAssertEqual(labels.filter { $0 == 0 }.count, 1)
                let eot = labels.firstIndex(of: 0)!
                XCTAssertTrue(row[(eot + 1)...].allSatisfy { $0 == 4 })
                XCTAssertTrue(labels[(eot + 1)...].allSatisfy { $0 == -100 })
                seen.append(row)
            }
            XCTAssertEqual(b.targetTokens, b.labels.filter { $0 != -100 }.count)
        }
        // the first epoch (7 examples) visits each example once
        XCTAssertEqual(Set(seen.prefix(7)).count, 7)
        var resumed = CompletionBatchStream(examples: examples, batchSize: 3, contextLength: 12, seed: 42, tokenizer: telemetryTestTokenizer)
        resumed.position = 3
        XCTAssertEqual(resumed.next().ids, batches[3].ids)
        XCTAssertEqual(resumed.next().labels, batches[4].labels)
    }

    func testLengthBucketsSortWindowsAndTrimBatchesWithoutChangingRows() {
        // 40 examples of lengths 2...~60 at context 64: 2 buckets of batch 4 → windows of 8 slots.
        let events = (0..<40).map { event(.accepted, prefix: String(repeating: "p", count: 1 + ($0 * 7) % 50), suggestion: "s\($0 % 9)", id: "e\($0)") }
        let examples = CompletionExamples.build(events, tokenizer: telemetryTestTokenizer).examples
        let t = telemetryTestTokenizer
        var plain = CompletionBatchStream(examples: examples, batchSize: 4, contextLength: 64, seed: 7, tokenizer: t)
        var bucketed = CompletionBatchStream(examples: examples, batchSize: 4, contextLength: 64, seed: 7, tokenizer: t, lengthBuckets: 2)
        var narrower = 0
        for window in 0..<15 {
            let a = [plain.next(), plain.next()], b = [bucketed.next(), bucketed.next()]
            func rows(_ batch: CompletionBatch) -> [[Int32]] {
                (0..<4).map { Array(batch.ids[($0 * batch.contextLength)..<(($0 + 1) * batch.contextLength)]) }
            }
            // the same examples in the window, each row the full-width row cut to the batch's width
            let full = a.flatMap(rows)
            for batch in b {
                XCTAssertEqual(batch.contextLength % CompletionBatchStream.columnMultiple == 0 || batch.contextLength == 64, true)
                XCTAssertLessThanOrEqual(batch.contextLength, 64)
                if batch.contextLength < 64 { narrower += 1 }
                XCTAssertEqual(batch.targetTokens, batch.labels.filter { $0 != -100 }.count)
                for row in rows(batch) {
                    let match = full.first { Array($0.prefix(batch.contextLength)) == row }
                    XCTAssertNotNil(match, "window \(window): a bucketed row is not a full-width row of the window")
                    if let match { XCTAssertTrue(match[batch.contextLength...].allSatisfy { $0 == t.pad }, "only padding is cut") }
                }
            }
            let lengths = b.map { batch in (0..<4).map { r in batch.labels[(r * batch.contextLength)..<((r + 1) * batch.contextLength)].filter { $0 != -100 }.count } }
            XCTAssertEqual(lengths.flatMap { $0 }.reduce(0, +), a.map(\.targetTokens).reduce(0, +), "the window's targets are all there")
        }
        XCTAssertGreaterThan(narrower, 10, "short rows make narrow batches")
        // resuming mid-window gives the same batches
        var resumed = CompletionBatchStream(examples: examples, batchSize: 4, contextLength: 64, seed: 7, tokenizer: t, lengthBuckets: 2)
        var again = CompletionBatchStream(examples: examples, batchSize: 4, contextLength: 64, seed: 7, tokenizer: t, lengthBuckets: 2)
        let reference = (0..<9).map { _ in again.next() }
        resumed.position = 7
        XCTAssertEqual(resumed.next().ids, reference[7].ids)
        XCTAssertEqual(resumed.next().labels, reference[8].labels)
    }

    func testLoadRefusesUnscrubbedAndBadFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tel-ex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var raw = event(.accepted); raw.scrubbed = nil
        let f = dir.appendingPathComponent("raw.jsonl")
        try (TelemetryValidationTests.line(raw) + "\n").write(to: f, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CompletionExamples.load(from: f, tokenizer: telemetryTestTokenizer)) { XCTAssertTrue("\($0)".contains("not scrubbed")) }
        XCTAssertEqual(try CompletionExamples.load(from: f, tokenizer: telemetryTestTokenizer, requireScrubbed: false).examples.count, 1)
        let bad = dir.appendingPathComponent("bad.jsonl")
        try (TelemetryValidationTests.line(event(.accepted)) + "\n{\n").write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CompletionExamples.load(from: bad, tokenizer: telemetryTestTokenizer))
        XCTAssertEqual(try CompletionExamples.load(from: bad, tokenizer: telemetryTestTokenizer, allowBadLines: true).examples.count, 1)
    }

    func testSplitBySessionIsStableAndDisjoint() {
        let examples = (0..<200).map { CompletionExample(prefix: [], suffix: nil, target: [0], eventID: "\($0)", session: "s\($0 % 40)") }
        let (train, val) = CompletionExamples.split(examples, validationFraction: 0.2)
        XCTAssertEqual(train.count + val.count, 200)
        XCTAssertTrue(Set(train.map(\.session)).isDisjoint(with: Set(val.map(\.session))))
        XCTAssertGreaterThan(val.count, 0)
    }
}

import Tokenizer

final class TelemetryBPEExampleTests: XCTestCase {
    func testRealTokenizerSpecialsAndNoSpecialTokenInjection() throws {
        let docs = ["def add(a, b):\n    return a + b\n", "for i in range(10):\n    print(i)\n"]
        let bpe = BPETokenizer.train(documents: docs, vocabSize: 300)
        let t = try CompletionTokenizer(bpe)
        XCTAssertEqual(t.endOfText, bpe.id(ofSpecial: BPETokenizer.endOfText))
        let text = "EOS = '<|endoftext|>'"
        let ids = t.encode(text)
        XCTAssertFalse(ids.contains(t.endOfText), "typed special-token text stays ordinary bytes")
        XCTAssertEqual(bpe.decode(ids), text)
        XCTAssertEqual(CompletionTokenizer.cutSpecials("a<|pad|>b", ["<|pad|>"]), ["a<", "|pad|>b"])
    }
}

final class TelemetryExampleStatisticsTests: XCTestCase {
    func testCountsCutsAndPadding() {
        var events: [TelemetryEvent] = []
        for (i, (p, s, g)) in [("abcdefgh", "", "x"), ("ab", "cd", "y"), ("a", "", "0123456789")].enumerated() {
            var e = TelemetryValidationTests.event("e\(i)", suggestion: g)
            e.prefix = p; e.suffix = s
            events.append(e)
        }
        events.append(TelemetryValidationTests.event("r", outcome: .rejected))
        let set = CompletionExamples.build(events, tokenizer: telemetryTestTokenizer)
        let st = CompletionExampleStatistics(set, contextLength: 6, tokenizer: telemetryTestTokenizer)
        XCTAssertEqual(st.examples, 3); XCTAssertEqual(st.fimExamples, 1); XCTAssertEqual(st.rejectedKept, 1)
        XCTAssertEqual(st.targetsCut, 1)           // 11 target tokens > 6
        XCTAssertEqual(st.promptsCut, 2)           // 8 + 2 > 7 and 7 (FIM) + 2 > 7; the third, 1 + 6, fits
        XCTAssertEqual(st.targetTokens, 2 + 2 + 6)
        XCTAssertEqual(st.usedPositions, 6 + 6 + 6)
        XCTAssertEqual(st.paddingFraction, 0, accuracy: 1e-9)
    }
}
