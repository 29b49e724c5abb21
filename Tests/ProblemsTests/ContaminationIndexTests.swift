import Problems
import XCTest

/// 13-gram overlap of training text with a problem's prompt and canonical solution.
final class ContaminationIndexTests: XCTestCase {
    let problem = EvalProblemText(
        taskID: "P/0",
        prompt: "def interleave_halves(items):\n    \"\"\"Split items into a first and second half and return them interleaved, first half leading.\"\"\"\n",
        canonicalSolution: "    half = (len(items) + 1) // 2\n    out = []\n    for a, b in zip(items[:half], items[half:]):\n        out += [a, b]\n    return out\n")

    func testWordsIgnorePunctuationAndCase() {
        XCTAssertEqual(ContaminationIndex.words("Def f(x): return X_1+2").map(String.init), ["def", "f", "x", "return", "x_1", "2"])
    }

    func testDetectsOverlapInPromptOrSolutionButNotUnrelatedText() {
        var idx = ContaminationIndex(problems: [problem], n: 13)
        idx.scan("import os\nprint('hello world')\n", place: "a")
        XCTAssertFalse(idx.overlaps[0].contaminated)
        // reformatted copy of the docstring: different punctuation and case, same words
        idx.scan("SPLIT ITEMS into a first, and second half... and return them interleaved; first half leading!", place: "b")
        XCTAssertTrue(idx.overlaps[0].contaminated)
        XCTAssertEqual(idx.overlaps[0].firstMatch, "b")
        XCTAssertGreaterThan(idx.overlaps[0].promptMatched, 0)
        XCTAssertEqual(idx.overlaps[0].solutionMatched, 0)
    }

    func testTwelveWordsAreNotEnough() {
        var idx = ContaminationIndex(problems: [problem], n: 13)
        idx.scan("split items into a first and second half and return them interleaved", place: "x")   // 12 words
        XCTAssertFalse(idx.overlaps[0].contaminated)
        let short = ContaminationIndex(problems: [EvalProblemText(taskID: "s", prompt: "def f(): pass", canonicalSolution: "return 1")])
        XCTAssertEqual(short.overlaps[0].promptNgrams, 0, "too short to check")
    }
}
