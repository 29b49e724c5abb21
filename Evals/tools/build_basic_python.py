#!/usr/bin/env python3
"""Write Evals/basic-python.jsonl from the problem sources in this directory.

The problems live in four modules, one per difficulty band, in task_id order:

    problems_very_easy.py   one-line bodies                  (BasicPython/0 ...)
    problems_easy.py        a short loop or comprehension
    problems_medium.py      a few lines, one idea
    problems_hard.py        HumanEval-like

Each problem is a dict with `prompt`, `solution` and `tests` (the indented assert lines of
`check`). The task_id is "BasicPython/<index>" in that order and the entry point is the name of
the function the prompt defines (its last top-level `def`).

Usage:
    build_basic_python.py [--out PATH]   write the file (default: ../basic-python.jsonl)
    build_basic_python.py --verify       exit 1 if the committed file differs from the sources
"""

import argparse
import ast
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import problems_very_easy  # noqa: E402
import problems_easy  # noqa: E402
import problems_medium  # noqa: E402
import problems_hard  # noqa: E402

BANDS = [
    ("very easy", problems_very_easy.PROBLEMS),
    ("easy", problems_easy.PROBLEMS),
    ("medium", problems_medium.PROBLEMS),
    ("humaneval-like", problems_hard.PROBLEMS),
]

TEST_HEADER = "\n\nMETADATA = {}\n\n\ndef check(candidate):\n"


def entry_point_of(prompt: str) -> str:
    """Name of the last top-level function defined by the prompt."""
    names = [node.name for node in ast.parse(prompt).body if isinstance(node, ast.FunctionDef)]
    if not names:
        raise ValueError("prompt defines no function:\n" + prompt)
    return names[-1]


def build_records():
    """The problems as HumanEval records (dicts with the five keys, in HumanEval's key order)."""
    records = []
    for _band, problems in BANDS:
        for problem in problems:
            records.append({
                "task_id": "BasicPython/%d" % len(records),
                "prompt": problem["prompt"],
                "entry_point": entry_point_of(problem["prompt"]),
                "canonical_solution": problem["solution"],
                "test": TEST_HEADER + problem["tests"] + "\n",
            })
    return records


def band_ranges():
    """[(band, first_index, last_index)] for the README."""
    ranges, start = [], 0
    for band, problems in BANDS:
        ranges.append((band, start, start + len(problems) - 1))
        start += len(problems)
    return ranges


def render(records) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(HERE, "..", "basic-python.jsonl"))
    parser.add_argument("--verify", action="store_true", help="compare instead of writing")
    args = parser.parse_args()

    text = render(build_records())
    if args.verify:
        try:
            with open(args.out, encoding="utf-8") as handle:
                current = handle.read()
        except OSError as error:
            print("%s: cannot read: %s" % (args.out, error.strerror), file=sys.stderr)
            return 1
        if current != text:
            print("%s: out of date with the problem sources; run build_basic_python.py" % args.out,
                  file=sys.stderr)
            return 1
        print("%s: up to date" % args.out)
        return 0

    temporary = args.out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, args.out)
    for band, first, last in band_ranges():
        print("%-15s BasicPython/%d .. BasicPython/%d (%d)" % (band, first, last, last - first + 1))
    print("wrote %d problems to %s" % (text.count("\n"), os.path.normpath(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
