#!/usr/bin/env python3
"""Where an eval's passes come from: per-problem pass counts of a codetune eval directory, the share of
passes in problems the training curriculum has a near-identical skill for, and what the failures were.

    codetune data exercises generate ... --json > gen.json     # names the near-identical suite problems
    python3 Evals/tools/passes_by_skill.py RUN/evals/basic-python/STAGE --generation gen.json

A suite problem has a near-identical skill when the exercise generator drew problems whose body equals
its canonical solution after renaming (`same_as_by_problem`; those draws were dropped from the data).
Standard library only.
"""
import argparse
import collections
import json
import os
import re
import sys


def failure_kind(detail):
    """The exception name of a failed sample's detail ("NameError: name 'xs' ..." -> "NameError")."""
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*(Error|Exception|Exit|Interrupt))\b", detail or "")
    return m.group(1) if m else (detail or "none").split(":")[0][:40]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("eval_dir", help="an eval directory holding results.jsonl (evals/<suite>/<stage>)")
    ap.add_argument("--generation", help="`data exercises generate --json` output (same_as_by_problem)")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    a = ap.parse_args()
    path = os.path.join(a.eval_dir, "results.jsonl")
    try:
        rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    except (OSError, ValueError) as e:
        sys.exit(f"passes_by_skill: {path}: {e}")
    near = {}
    if a.generation:
        try:
            near = json.load(open(a.generation, encoding="utf-8")).get("same_as_by_problem", {})
        except (OSError, ValueError) as e:
            sys.exit(f"passes_by_skill: {a.generation}: {e}")
    samples = collections.Counter(r["task_id"] for r in rows)
    passes = collections.Counter(r["task_id"] for r in rows if r["status"] == "passed")
    failures = collections.Counter(failure_kind(r.get("detail")) for r in rows if r["status"] != "passed")
    total = sum(passes.values())
    in_near = sum(n for t, n in passes.items() if t in near)
    out = {
        "samples": len(rows), "passes": total, "problems": len(samples),
        "problems_with_a_pass": sum(1 for n in passes.values() if n > 0),
        "suite_problems_with_near_identical_skill": sum(1 for t in samples if t in near),
        "passes_in_near_identical": in_near,
        "share_in_near_identical": (in_near / total) if total else None,
        "per_problem": {t: {"passed": passes[t], "samples": samples[t], "near_identical": t in near}
                        for t in sorted(samples, key=lambda t: (-passes[t], t)) if passes[t] > 0},
        "failures": dict(failures.most_common()),
    }
    if a.json:
        print(json.dumps(out, sort_keys=True))
        return
    print(f"{out['passes']} of {out['samples']} samples pass, in {out['problems_with_a_pass']} of {out['problems']} problems")
    if near:
        share = "n/a" if total == 0 else f"{100 * in_near / total:.0f}%"
        print(f"{in_near} of those passes ({share}) are in the {out['suite_problems_with_near_identical_skill']} problems "
              f"with a near-identical exercise skill")
    for t, v in out["per_problem"].items():
        print(f"  {t:<20} {v['passed']:>3}/{v['samples']}{'  near-identical skill' if v['near_identical'] else ''}")
    print("failures: " + ", ".join(f"{k} {n}" for k, n in failures.most_common(8)))


if __name__ == "__main__":
    main()
