#!/usr/bin/env python3
"""Validate a HumanEval-format problems file (by default Evals/basic-python.jsonl).

For every problem it requires:
  * the five keys task_id, prompt, entry_point, canonical_solution, test (strings), unique
    task_ids "<Prefix>/<n>" numbered 0..N-1 in order;
  * a prompt that parses, defines entry_point at top level with type hints on every parameter and
    the return, uses 4-space indents (no tabs), ends with the docstring's closing quotes and a
    newline, and carries 1-2 `>>>` examples;
  * a canonical solution whose lines are all indented (it is the function's body);
  * a test that defines `check(candidate)` with at least 3 `assert candidate(...) == ...` lines;
  * prompt + canonical_solution + test + `check(entry_point)` succeeds in a subprocess, within the
    time limit, and the check itself takes less than --max-check-ms;
  * prompt + `    return None` + test + `check(entry_point)` FAILS (the tests can fail);
  * the prompt's doctest examples pass against the canonical solution;
  * no 13-token (whitespace-split) sequence of the prompt or the canonical solution also occurs in
    a HumanEval prompt or canonical solution (decontamination).

Plain python3, standard library only. Exit 0 when every problem passes, 1 otherwise, 2 on bad usage.
The HumanEval file is found from --humaneval, the CODETUNE_HUMANEVAL environment variable, or by
walking up from this script looking for shared/data/humaneval/HumanEval.jsonl.gz;
--no-humaneval skips the decontamination check explicitly.
"""

import argparse
import ast
import concurrent.futures
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROBLEMS = os.path.normpath(os.path.join(HERE, "..", "basic-python.jsonl"))
KEYS = ("task_id", "prompt", "entry_point", "canonical_solution", "test")
NGRAM = 13
ASSERT_LINE = re.compile(r"^\s*assert candidate\(.*==")
EXAMPLE_LINE = re.compile(r"^\s*>>> ")

# Runs inside the child: execute the program, then time check(entry_point) and report it.
RUNNER = """
import sys, time
namespace = {'__name__': '__problem__'}
exec(compile(open(sys.argv[1], encoding='utf-8').read(), 'problem.py', 'exec'), namespace)
candidate = namespace[sys.argv[2]]
start = time.perf_counter()
namespace['check'](candidate)
print('CHECK_MS %.3f' % ((time.perf_counter() - start) * 1000.0))
"""

# Runs inside the child: the prompt's doctest examples against the canonical solution.
DOCTEST_RUNNER = """
import doctest, sys, types
module = types.ModuleType('problem')
exec(compile(open(sys.argv[1], encoding='utf-8').read(), 'problem.py', 'exec'), module.__dict__)
function = module.__dict__[sys.argv[2]]
finder = doctest.DocTestFinder(recurse=False)
runner = doctest.DocTestRunner(optionflags=0)
for test in finder.find(function, sys.argv[2], globs=dict(module.__dict__)):
    runner.run(test)
result = runner.summarize(verbose=False)
print('DOCTEST %d %d' % (result.attempted, result.failed))
sys.exit(1 if result.failed else 0)
"""


def find_humaneval():
    """Path of HumanEval.jsonl.gz, or None."""
    explicit = os.environ.get("CODETUNE_HUMANEVAL")
    if explicit:
        return explicit
    directory = HERE
    while True:
        for candidate in (os.path.join(directory, "shared", "data", "humaneval", "HumanEval.jsonl.gz"),
                          os.path.join(directory, "data", "humaneval", "HumanEval.jsonl.gz")):
            if os.path.isfile(candidate):
                return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def ngrams(text):
    tokens = text.split()
    return {tuple(tokens[i:i + NGRAM]) for i in range(len(tokens) - NGRAM + 1)}


def load_humaneval_ngrams(path):
    """13-grams of every HumanEval prompt and canonical solution -> the task_id it came from."""
    index = {}
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            for field in ("prompt", "canonical_solution"):
                for gram in ngrams(record[field]):
                    index.setdefault(gram, record["task_id"])
    return index


def run_python(source, args, timeout):
    """Run `python3 -I -c RUNNER program.py args...` in a fresh temporary directory.

    Returns (exit code or None on timeout, stdout, stderr)."""
    runner, program = source
    with tempfile.TemporaryDirectory(prefix="check_problems_") as directory:
        path = os.path.join(directory, "problem.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(program)
        try:
            completed = subprocess.run(
                [sys.executable, "-I", "-B", "-c", runner, path] + list(args),
                cwd=directory, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                timeout=timeout, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        except subprocess.TimeoutExpired:
            return None, "", "timed out after %.1f s" % timeout
        return completed.returncode, completed.stdout, completed.stderr


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def static_problems(record, where):
    """Shape checks that need no subprocess. Returns a list of problem strings."""
    errors = []
    prompt, solution, test, entry = (record["prompt"], record["canonical_solution"],
                                     record["test"], record["entry_point"])
    try:
        tree = ast.parse(prompt + solution)
    except SyntaxError as error:
        return ["%s: prompt + canonical_solution do not parse: %s (line %s)" % (where, error.msg, error.lineno)]
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    function = functions.get(entry)
    if function is None:
        errors.append("%s: entry_point %r is not a top-level function of the prompt" % (where, entry))
    else:
        arguments = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
        missing = [a.arg for a in arguments if a.annotation is None]
        if missing:
            errors.append("%s: parameters without type hints: %s" % (where, ", ".join(missing)))
        if function.returns is None:
            errors.append("%s: %s has no return type hint" % (where, entry))
        if ast.get_docstring(function) is None:
            errors.append("%s: %s has no docstring" % (where, entry))
    if "\t" in prompt + solution + test:
        errors.append("%s: contains a tab; indent with 4 spaces" % where)
    for label, text in (("prompt", prompt), ("canonical_solution", solution), ("test", test)):
        for number, line in enumerate(text.splitlines(), 1):
            indent = len(line) - len(line.lstrip(" "))
            if line.strip() and indent % 4 != 0 and not line.lstrip().startswith((">>>", "...")):
                inside_docstring = label == "prompt" and indent > 4
                if not inside_docstring:
                    errors.append("%s: %s line %d is not indented by a multiple of 4 spaces" % (where, label, number))
    if not prompt.endswith('"""\n'):
        errors.append("%s: prompt must end with the docstring's closing quotes and a newline" % where)
    examples = sum(1 for line in prompt.splitlines() if EXAMPLE_LINE.match(line))
    if not 1 <= examples <= 2:
        errors.append("%s: prompt has %d '>>>' examples, want 1 or 2" % (where, examples))
    body_lines = [line for line in solution.splitlines() if line.strip()]
    if not body_lines:
        errors.append("%s: canonical_solution is empty" % where)
    elif any(not line.startswith("    ") for line in body_lines):
        errors.append("%s: canonical_solution has a line that is not indented as a function body" % where)
    if "def check(candidate):" not in test:
        errors.append("%s: test does not define check(candidate)" % where)
    asserts = sum(1 for line in test.splitlines() if ASSERT_LINE.match(line))
    if asserts < 3:
        errors.append("%s: test has %d 'assert candidate(...) == ...' lines, want at least 3" % (where, asserts))
    return errors


def dynamic_problems(record, where, timeout, max_check_ms):
    """Subprocess checks: canonical passes, `return None` fails, doctest examples agree."""
    errors = []
    prompt, solution, test, entry = (record["prompt"], record["canonical_solution"],
                                     record["test"], record["entry_point"])
    check_ms = None

    code, out, err = run_python((RUNNER, prompt + solution + "\n" + test + "\n"), [entry], timeout)
    if code != 0:
        errors.append("%s: canonical solution fails its test: %s" % (where, last_line(err) or "exit %s" % code))
    else:
        match = re.search(r"CHECK_MS ([0-9.]+)", out)
        check_ms = float(match.group(1)) if match else None
        if check_ms is None:
            errors.append("%s: canonical run printed no timing" % where)
        elif check_ms > max_check_ms:
            errors.append("%s: check took %.1f ms, limit %.0f ms" % (where, check_ms, max_check_ms))

    code, _, err = run_python((RUNNER, prompt + "    return None\n" + "\n" + test + "\n"), [entry], timeout)
    if code == 0:
        errors.append("%s: a `return None` body passes the test; the asserts cannot fail" % where)
    elif code is None:
        errors.append("%s: a `return None` body hangs the test (%s)" % (where, err))

    code, out, err = run_python((DOCTEST_RUNNER, prompt + solution), [entry], timeout)
    match = re.search(r"DOCTEST (\d+) (\d+)", out)
    if code != 0 or not match:
        detail = " ".join(line.strip() for line in out.splitlines() if line.strip())[:400]
        errors.append("%s: docstring examples disagree with the canonical solution: %s" % (
            where, detail or last_line(err) or "exit %s" % code))
    elif int(match.group(1)) == 0:
        errors.append("%s: doctest found no examples" % where)
    return errors, check_ms


def contamination_problems(record, where, humaneval_index):
    errors = []
    for field in ("prompt", "canonical_solution"):
        for gram in sorted(ngrams(record[field])):
            source = humaneval_index.get(gram)
            if source is not None:
                errors.append("%s: %s shares a %d-token sequence with %s: %s" % (
                    where, field, NGRAM, source, " ".join(gram)))
                break
    return errors


def load_records(path):
    """Parsed records, or raises ValueError with a FILE:LINE message."""
    records = []
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError("%s:%d:%d: not valid JSON: %s" % (path, number, error.colno, error.msg))
            if not isinstance(record, dict):
                raise ValueError("%s:%d: a problem must be a JSON object" % (path, number))
            for key in KEYS:
                if not isinstance(record.get(key), str):
                    raise ValueError("%s:%d: %s: missing or not a string" % (path, number, key))
            extra = sorted(set(record) - set(KEYS))
            if extra:
                raise ValueError("%s:%d: unknown keys: %s" % (path, number, ", ".join(extra)))
            records.append((number, record))
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("problems", nargs="?", default=DEFAULT_PROBLEMS)
    parser.add_argument("--humaneval", help="HumanEval.jsonl(.gz) for the 13-gram check")
    parser.add_argument("--no-humaneval", action="store_true", help="skip the 13-gram check")
    parser.add_argument("--min-problems", type=int, default=80)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per subprocess")
    parser.add_argument("--max-check-ms", type=float, default=100.0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--verbose", action="store_true", help="one line per problem")
    args = parser.parse_args()

    try:
        records = load_records(args.problems)
    except OSError as error:
        print("%s: cannot read: %s" % (args.problems, error.strerror), file=sys.stderr)
        return 2
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

    humaneval_index = None
    if not args.no_humaneval:
        path = args.humaneval or find_humaneval()
        if path is None or not os.path.isfile(path):
            print("HumanEval problems not found (give --humaneval PATH, set CODETUNE_HUMANEVAL, "
                  "or pass --no-humaneval to skip decontamination)", file=sys.stderr)
            return 2
        humaneval_index = load_humaneval_ngrams(path)

    errors = []
    if len(records) < args.min_problems:
        errors.append("%s: %d problems, want at least %d" % (args.problems, len(records), args.min_problems))
    seen = {}
    prefix = None
    for index, (number, record) in enumerate(records):
        where = "%s:%d: %s" % (args.problems, number, record["task_id"])
        task_prefix, _, suffix = record["task_id"].partition("/")
        prefix = prefix or task_prefix
        if task_prefix != prefix or suffix != str(index):
            errors.append("%s: task_id should be %s/%d" % (where, prefix, index))
        if record["task_id"] in seen:
            errors.append("%s: task_id already used on line %d" % (where, seen[record["task_id"]]))
        seen[record["task_id"]] = number
        errors.extend(static_problems(record, where))
        if humaneval_index is not None:
            errors.extend(contamination_problems(record, where, humaneval_index))

    timings = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [(record, pool.submit(dynamic_problems, record, "%s:%d: %s" % (args.problems, number, record["task_id"]),
                                        args.timeout, args.max_check_ms))
                   for number, record in records]
        for record, future in futures:
            problem_errors, check_ms = future.result()
            errors.extend(problem_errors)
            if check_ms is not None:
                timings.append((check_ms, record["task_id"]))
            if args.verbose:
                print("%-18s %-28s %s" % (record["task_id"], record["entry_point"],
                                          "FAIL" if problem_errors else "ok (%.2f ms)" % check_ms))

    for error in errors:
        print(error)
    slowest = max(timings) if timings else (0.0, "-")
    print("%d problems, %d errors; canonical solutions pass: %d; slowest check %.2f ms (%s); "
          "13-gram decontamination: %s" % (
              len(records), len(errors), len(timings), slowest[0], slowest[1],
              "checked" if humaneval_index is not None else "SKIPPED"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
