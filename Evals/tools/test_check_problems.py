#!/usr/bin/env python3
"""Tests for check_problems.py: each broken problem file must be rejected for the right reason.

Run: python3 Evals/tools/test_check_problems.py   (standard library only; the contamination
case is skipped when HumanEval.jsonl.gz cannot be found)
"""

import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "check_problems.py")
sys.path.insert(0, HERE)

import check_problems  # noqa: E402

GOOD = {
    "task_id": "T/0",
    "prompt": 'def add_three(x: int) -> int:\n    """Add 3 to x.\n    >>> add_three(1)\n    4\n    """\n',
    "entry_point": "add_three",
    "canonical_solution": "    return x + 3\n",
    "test": "\n\nMETADATA = {}\n\n\ndef check(candidate):\n"
            "    assert candidate(0) == 3\n    assert candidate(-3) == 0\n    assert candidate(7) == 10\n\n",
}


def variant(**changes):
    record = dict(GOOD)
    record.update(changes)
    return record


class CheckProblemsTests(unittest.TestCase):
    def run_checker(self, records, *extra):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "problems.jsonl")
            with open(path, "w", encoding="utf-8") as handle:
                for record in records:
                    handle.write((record if isinstance(record, str) else json.dumps(record)) + "\n")
            completed = subprocess.run(
                [sys.executable, CHECKER, path, "--min-problems", "1", "--jobs", "2"] + list(extra),
                capture_output=True, text=True, timeout=120)
        return completed.returncode, completed.stdout + completed.stderr

    def assertRejected(self, records, message, *extra):
        code, output = self.run_checker(records, *(extra or ("--no-humaneval",)))
        self.assertEqual(code, 1, output)
        self.assertIn(message, output)

    def test_good_problem_passes(self):
        code, output = self.run_checker([GOOD], "--no-humaneval")
        self.assertEqual(code, 0, output)
        self.assertIn("1 problems, 0 errors", output)
        self.assertIn("decontamination: SKIPPED", output)

    def test_wrong_canonical_solution(self):
        self.assertRejected([variant(canonical_solution="    return x + 2\n")], "canonical solution fails its test")

    def test_tests_that_accept_none(self):
        weak = "\n\nMETADATA = {}\n\n\ndef check(candidate):\n" + "    assert candidate(1) == candidate(1)\n" * 3
        self.assertRejected([variant(test=weak)], "a `return None` body passes the test")
        loose = ("\n\nMETADATA = {}\n\n\ndef check(candidate):\n"
                 "    assert candidate(1) == 4 or True\n" * 3)
        self.assertRejected([variant(test=loose)], "a `return None` body passes the test")

    def test_too_few_asserts(self):
        two = "\n\nMETADATA = {}\n\n\ndef check(candidate):\n    assert candidate(0) == 3\n    assert candidate(1) == 4\n"
        self.assertRejected([variant(test=two)], "want at least 3")

    def test_docstring_example_disagrees(self):
        prompt = GOOD["prompt"].replace("    4\n", "    5\n")
        self.assertRejected([variant(prompt=prompt)], "docstring examples disagree")

    def test_no_docstring_example(self):
        prompt = 'def add_three(x: int) -> int:\n    """Add 3 to x."""\n'
        self.assertRejected([variant(prompt=prompt)], "'>>>' examples, want 1 or 2")

    def test_endless_canonical_solution_times_out(self):
        self.assertRejected([variant(canonical_solution="    while True:\n        pass\n")],
                            "timed out", "--no-humaneval", "--timeout", "2")

    def test_entry_point_missing(self):
        self.assertRejected([variant(entry_point="add_four")], "is not a top-level function of the prompt")

    def test_missing_type_hints(self):
        prompt = GOOD["prompt"].replace("x: int) -> int", "x)")
        self.assertRejected([variant(prompt=prompt)], "parameters without type hints: x")

    def test_duplicate_and_misnumbered_task_ids(self):
        self.assertRejected([GOOD, GOOD], "task_id already used on line 1")
        self.assertRejected([variant(task_id="T/5")], "task_id should be T/0")

    def test_too_few_problems(self):
        code, output = self.run_checker([GOOD], "--no-humaneval", "--min-problems", "2")
        self.assertEqual(code, 1, output)
        self.assertIn("1 problems, want at least 2", output)

    def test_bad_json_is_usage_error(self):
        code, output = self.run_checker(['{"task_id": "T/0"'], "--no-humaneval")
        self.assertEqual(code, 2, output)
        self.assertIn("problems.jsonl:1:", output)

    def test_humaneval_overlap_is_found(self):
        path = check_problems.find_humaneval()
        if path is None:
            self.skipTest("HumanEval.jsonl.gz not found")
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            official = json.loads(handle.readline())
        # Put the official docstring text into our prompt's docstring.
        sentence = official["prompt"].split('"""')[1].split(">>>")[0].strip()
        prompt = GOOD["prompt"].replace("Add 3 to x.", "Add 3 to x. " + sentence)
        self.assertRejected([variant(prompt=prompt)], "prompt shares a 13-token sequence with HumanEval/0",
                            "--humaneval", path)


if __name__ == "__main__":
    unittest.main()
