import Corpus
import FileFormats
import Problems
@testable import Telemetry
import XCTest

/// `data decontam Datasets/NAME.yaml`: a recipe's documents, from its sources before `prepare` and from its
/// decoded shards after.
final class DecontaminationRecipeTests: XCTestCase {
    let problem = EvalProblemText(
        taskID: "P/1",
        prompt: "def rotate_words(text, k):\n    \"\"\"Rotate the words of text left by k places and join them back with single spaces.\"\"\"\n",
        canonicalSolution: "    words = text.split()\n    k %= max(1, len(words))\n    return ' '.join(words[k:] + words[:k])\n")

    func testRecipeIsScannedFromSourcesThenFromPreparedShards() throws {
        let dir = try makeTemporaryDirectory(self, "decontam-recipe")
        for i in 0..<12 { try writeFile(dir, "code/m\(i).py", pythonSource("m\(i)", lines: 4)) }
        try writeFile(dir, "code/leak.py", problem.prompt + problem.canonicalSolution + "\n\nprint(rotate_words('a b c', 1))\n")
        let recipe = try writeFile(dir, "sets/small.yaml", """
        name: small
        sources:
          - directory: ../code
        split: {validation_fraction: 0.1}
        tokenizer: {train: {vocab_size: 600}}
        shard_tokens: 2048
        """)

        var before = ContaminationIndex(problems: [problem])
        XCTAssertEqual(try Decontamination.scanRecipe(recipe, into: &before), .sources)
        XCTAssertTrue(before.overlaps[0].contaminated)
        XCTAssertEqual(before.textsScanned, 13)
        XCTAssertTrue(before.overlaps[0].firstMatch?.hasPrefix(dir.appendingPathComponent("code").path) ?? false, before.overlaps[0].firstMatch ?? "")

        let prepared = try DatasetPreparation.prepare(try DatasetRecipe.load(recipe), options: .init(threads: 1))
        var after = ContaminationIndex(problems: [problem])
        XCTAssertEqual(try Decontamination.scanRecipe(recipe, into: &after), .preparedShards(prepared.directory))
        XCTAssertEqual(after.textsScanned, 13, "one text per document, cut at <|endoftext|>")
        XCTAssertEqual(after.overlaps[0].promptMatched, before.overlaps[0].promptMatched)
        XCTAssertEqual(after.overlaps[0].solutionMatched, before.overlaps[0].solutionMatched)

    }
}
