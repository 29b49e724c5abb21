"""Writes sandbox-selftest.jsonl: adversarial problems for the evaluator's sandbox.

Each problem's canonical_solution is an attack; its test passes only if the attack worked, so the
expected outcome is never "passed" (except the control). `expect_status` and `expect_detail`
(a regular expression) say how the sandbox must end it. Run: python3 Evals/make_sandbox_selftest.py
"""
import json, os

def problem(name, body, test, status, detail, prelude=""):
    return {
        "task_id": "selftest/" + name,
        "prompt": prelude + "def attack():\n",
        "canonical_solution": body,
        "test": "def check(candidate):\n" + test,
        "entry_point": "attack",
        "expect_status": status,
        "expect_detail": detail,
    }

P = [
    problem("control", "    return 42\n", "    assert candidate() == 42\n", "passed", "^$"),
    problem("network", "    import socket\n    s = socket.create_connection(('1.1.1.1', 80), timeout=2)\n    return True\n",
            "    assert candidate() is True\n", "failed", "OSError|Network is unreachable|gaierror"),
    problem("read-host-file", "    return open('/etc/passwd').read()\n", "    assert 'root' in candidate()\n",
            "failed", "FileNotFoundError"),
    problem("read-project-file", "    import glob\n    return glob.glob('/work/*') + glob.glob('/root/*') + glob.glob('/home/*')\n",
            "    assert len(candidate()) > 0\n", "failed", "AssertionError"),
    problem("read-host-env", "    import os\n    return os.environ.get('CODETUNE_SELFTEST_SECRET')\n",
            "    assert candidate() == 'leaked'\n", "failed", "AssertionError"),
    problem("write-outside-cwd", "    open('/ct-selftest-escape', 'w').write('x')\n    return True\n",
            "    assert candidate() is True\n", "failed", "Read-only file system|No such file|Permission denied"),
    problem("write-host-tmp", "    import os\n    open('/tmp/ct-selftest-escape', 'w').write('x')\n    return os.path.exists('/tmp/ct-selftest-escape') and os.path.exists('/work')\n",
            "    assert candidate() is True\n", "failed", "AssertionError"),
    problem("fork-bomb", "    import os\n    while True:\n        os.fork()\n",
            "    candidate()\n", "failed|timeout", "BlockingIOError|Resource temporarily unavailable|timed out|killed"),
    problem("memory-bomb", "    x = bytearray(8 << 30)\n    return len(x)\n",
            "    assert candidate() > 0\n", "failed", "MemoryError"),
    problem("memory-creep", "    chunks = []\n    while True:\n        chunks.append(bytearray(16 << 20))\n",
            "    candidate()\n", "failed", "MemoryError|killed"),
    problem("endless-loop", "    while True:\n        pass\n", "    candidate()\n", "timeout", "timed out"),
    problem("output-flood", "    while True:\n        print('x' * 4096)\n", "    candidate()\n", "failed", "output limit exceeded"),
    problem("background-process",
            "    import os, sys\n    if os.fork() == 0:\n        os.setsid()\n        os.execv(sys.executable, [sys.executable, '-S', '-c', 'import time; time.sleep(600)', 'ct-selftest-background'])\n    return 'detached'\n",
            "    assert candidate() == 'detached'\n    assert False, 'left a background process'\n", "failed", "left a background process|BlockingIOError"),
    problem("thread-bomb", "    import threading, time\n    ts = []\n    while True:\n        t = threading.Thread(target=time.sleep, args=(60,))\n        t.start()\n        ts.append(t)\n",
            "    candidate()\n", "failed|timeout", "RuntimeError|MemoryError|can't start new thread|timed out|killed"),
    problem("sys-exit", "    return 0\nimport sys\nsys.exit(0)\n", "    assert candidate() == 1\n", "failed", "no sentinel"),
    problem("os-exit", "    return 0\nimport os\nos._exit(0)\n", "    assert candidate() == 1\n", "failed", "no sentinel"),
    problem("builtin-exit", "    return 0\nexit()\n", "    assert candidate() == 1\n", "failed", "no sentinel"),
    problem("exit-inside-check", "    import sys\n    sys.exit(0)\n", "    assert candidate() == 1\n", "failed", "no sentinel"),
    problem("eq-always-true", "    class Anything:\n        def __eq__(self, other):\n            return True\n    return Anything()\n",
            "    assert candidate() == 1\n    assert candidate() == 'x'\n", "failed", "not a built-in value"),
    problem("int-subclass-eq", "    class Int(int):\n        def __eq__(self, other):\n            return True\n        __hash__ = int.__hash__\n    return [Int(0)]\n",
            "    assert candidate() == [1]\n", "failed", "not a built-in value"),
    problem("kill-parent", "    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)\n    return 1\n",
            "    assert candidate() == 1\n", "failed", "PermissionError"),
    problem("kill-supervisor-group", "    import os, signal\n    os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)\n    return 1\n",
            "    assert candidate() == 1\n", "failed", "PermissionError"),
    problem("kill-own-group", "    import os, signal\n    os.kill(0, signal.SIGKILL)\n    return 1\n",
            "    assert candidate() == 1\n", "failed", "killed by SIGKILL"),
    problem("kill-everything", "    import os, signal\n    os.kill(-1, signal.SIGKILL)\n    return 1\n",
            "    assert candidate() == 1\n", "failed", "PermissionError"),
    problem("huge-file", "    with open('big', 'wb') as f:\n        for _ in range(1024):\n            f.write(b'x' * (1 << 20))\n    return True\n",
            "    assert candidate() is True\n", "failed", "File too large|No space left|SIGXFSZ"),
    problem("syntax-error", "    return (1 +\n", "    assert candidate() == 1\n", "failed", "SyntaxError"),
    problem("non-utf8-output", "    import sys, os\n    sys.stdout.flush()\n    os.write(1, b'\\xff\\xfe\\x80 bad bytes\\n')\n    os.write(2, b'\\xc3\\x28\\n')\n    return 0\n",
            "    assert candidate() == 1, 'non-utf8 \\udcff'\n", "failed", "AssertionError"),
    problem("forge-cpu-limit", "    import resource\n    resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n    return True\n",
            "    assert candidate() is True\n", "failed", "ValueError|not allowed|Operation not permitted"),
]

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "sandbox-selftest.jsonl"), "w") as f:
    for p in P:
        f.write(json.dumps(p) + "\n")
print(len(P), "problems")
