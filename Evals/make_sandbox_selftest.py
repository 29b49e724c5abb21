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
    problem("sys-exit", "    return 0\nimport sys\nsys.exit(0)\n", "    assert candidate() == 1\n", "failed", "^exited with status 0 before its entry point was defined, before the tests finished$"),
    problem("os-exit", "    return 0\nimport os\nos._exit(0)\n", "    assert candidate() == 1\n", "failed", "^exited with status 0 before its entry point was defined"),
    problem("builtin-exit", "    return 0\nexit()\n", "    assert candidate() == 1\n", "failed", "^exited with status 0 before its entry point was defined"),
    problem("exit-inside-check", "    import sys\n    sys.exit(0)\n", "    assert candidate() == 1\n", "failed", "^exited with status 0 during call 1 of attack, before the tests finished$"),
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


# Forgeries: each test below cannot pass (`assert False, <what the attack reports>`), so a pass would be
# forged. The attack runs in the completion's process and tries to reach the judging process (the
# supervisor, its parent), where `check` runs; its report (the assert's message) says what it found, and
# the expected detail says that it found nothing to forge with (functions it patches are its own copies).
UNPASSABLE = "    assert False, candidate()\n"
FIND_JUDGE = ("    import os\n"
              "    def ppid(p):\n"
              "        try:\n"
              "            return int(open('/proc/%s/stat' % p).read().rsplit(')', 1)[1].split()[1])\n"
              "        except (OSError, ValueError, IndexError):\n"
              "            return None\n"
              "    me, parent = os.getpid(), os.getppid()\n"
              "    judges = [parent] + [int(p) for p in os.listdir('/proc') if p.isdigit() and int(p) != me and ppid(p) == parent]\n")
P += [
    problem("forge-frame-walk",
            "    import sys, os\n    f, names = sys._getframe(), []\n    while f is not None:\n"
            "        names.append(f.f_code.co_name)\n"
            "        for v in list(f.f_locals.values()):\n"
            "            if isinstance(v, str) and v.startswith('codetune-ok-') and len(v) < 64:\n"
            "                print('\\n' + str(v)); sys.stdout.flush(); os._exit(0)\n"
            "        if f.f_code.co_name == 'check':\n"
            "            f.f_globals['check'] = lambda c: None\n"
            "            return 'check frame found'\n"
            "        f = f.f_back\n"
            "    return 'frame walk: no check frame and no sentinel in ' + str(len(names)) + ' frames'\n",
            UNPASSABLE, "failed", r"^AssertionError: frame walk: no check frame and no sentinel in \d+ frames \(line \d+\)$"),
    problem("forge-traceback-frames",
            "    try:\n        raise RuntimeError('probe')\n    except RuntimeError as e:\n        f = e.__traceback__.tb_frame\n"
            "    names = []\n    while f is not None:\n        names.append(f.f_code.co_name)\n"
            "        if 'check' in f.f_code.co_names or f.f_code.co_name == 'check':\n            return 'found check'\n"
            "        f = f.f_back\n"
            "    return 'traceback frames: no check frame (' + ' < '.join(names) + ')'\n",
            UNPASSABLE, "failed", r"^AssertionError: traceback frames: no check frame \(attack < .*\) \(line \d+\)$"),
    problem("forge-generator-frames",
            "    import sys\n    def gen():\n        yield sys._getframe().f_back\n    g = gen()\n    f = next(g)\n    names = []\n"
            "    while f is not None:\n        names.append(f.f_code.co_name)\n"
            "        if f.f_code.co_name == 'check':\n            return 'found check via a generator'\n"
            "        f = f.f_back\n"
            "    return 'generator frames: no check frame (' + str(len(names)) + ' frames)'\n",
            UNPASSABLE, "failed", r"^AssertionError: generator frames: no check frame \(\d+ frames\) \(line \d+\)$"),
    problem("forge-gc",
            "    import gc, types\n    checks = sentinels = 0\n    for o in gc.get_objects():\n"
            "        if type(o) is types.FunctionType and o.__name__ in ('check', 'candidate', 'verdict'):\n"
            "            o.__code__ = (lambda *a, **k: None).__code__\n            checks += 1\n"
            "        elif type(o) is dict:\n"
            "            for v in list(o.values()):\n"
            "                if type(v) is str and v.startswith('codetune-ok'):\n                    sentinels += 1\n"
            "    for r in gc.get_referrers(gc.get_referrers):\n        pass\n"
            "    return 'gc: patched %d harness functions, found %d sentinels' % (checks, sentinels)  # in its own memory only\n",
            UNPASSABLE, "failed", r"^AssertionError: gc: patched \d+ harness functions, found 0 sentinels \(line \d+\)$"),
    problem("forge-proc-mem", FIND_JUDGE +
            "    out = []\n    for pid in judges:\n        for what in ('mem', 'fd', 'environ', 'maps'):\n"
            "            try:\n"
            "                if what == 'fd':\n                    for fd in os.listdir('/proc/%d/fd' % pid):\n                        open('/proc/%d/fd/%s' % (pid, fd), 'rb')\n"
            "                else:\n                    open('/proc/%d/%s' % (pid, what), 'r+b' if what == 'mem' else 'rb').read(1)\n"
            "                out.append('%s opened' % what)\n"
            "            except OSError as e:\n                out.append('%s %s' % (what, type(e).__name__))\n"
            "    return 'proc of %d judging process(es): %s' % (len(judges), ', '.join(sorted(set(out))))\n",
            UNPASSABLE, "failed", r"^AssertionError: proc of 1 judging process\(es\): environ PermissionError, fd PermissionError, maps PermissionError, mem PermissionError \(line \d+\)$"),
    problem("forge-ctypes", FIND_JUDGE +
            "    import ctypes\n    libc = ctypes.CDLL(None, use_errno=True)\n    out = []\n    judge = judges[0]\n"
            "    for name, call in (('ptrace attach', lambda: libc.ptrace(16, judge, 0, 0)),\n"
            "                       ('ptrace seize', lambda: libc.ptrace(0x4206, judge, 0, 0)),\n"
            "                       ('process_vm_readv', lambda: libc.process_vm_readv(judge, None, 0, None, 0, 0)),\n"
            "                       ('kill SIGSTOP', lambda: libc.kill(judge, 19)),\n"
            "                       ('pidfd_open', lambda: libc.syscall(434, judge, 0))):\n"
            "        r = call()\n"
            "        out.append('%s %s' % (name, 'errno %d' % ctypes.get_errno() if r == -1 else 'worked'))\n"
            "    return 'ctypes on the judge: ' + ', '.join(out)\n",
            UNPASSABLE, "failed", r"^AssertionError: ctypes on the judge: ptrace attach errno 1, ptrace seize errno 1, process_vm_readv errno 1, kill SIGSTOP errno 1, pidfd_open errno 1 \(line \d+\)$"),
    problem("forge-tracer",
            "    import sys, threading\n    seen = attack.__dict__.setdefault('seen', set())\n"
            "    def tracer(frame, event, arg):\n"
            "        seen.add(frame.f_code.co_name)\n"
            "        if frame.f_code.co_name == 'check' and event == 'line':\n"
            "            try:\n                frame.f_lineno = frame.f_code.co_firstlineno + 99\n"
            "            except ValueError:\n                pass\n"
            "        return tracer\n"
            "    if not seen:\n"
            "        sys.settrace(tracer); threading.settrace(tracer)\n"
            "        sys.setprofile(lambda f, e, a: seen.add(f.f_code.co_name))\n"
            "        f = sys._getframe()\n"
            "        while f is not None:\n            f.f_trace = tracer\n            f = f.f_back\n"
            "        seen.add('installed')\n        return 'installed'\n"
            "    return 'tracer and profiler saw %d functions, check not among them' % len(seen) if 'check' not in seen else 'saw check'\n",
            "    candidate()\n    assert False, candidate()\n", "failed",
            r"^AssertionError: tracer and profiler saw \d+ functions, check not among them \(line \d+\)$"),
    problem("forge-patch-harness",
            "    import os, sys, json, builtins, traceback\n    real_exit, real_dumps = os._exit, json.dumps\n"
            "    os._exit = lambda code: real_exit(0)\n"
            "    sys.exit = lambda code=0: real_exit(0)\n"
            "    traceback.print_exc = lambda *a, **k: print('\\ncodetune-ok-forged')\n"
            "    builtins.AssertionError = type('AssertionError', (Exception,), {})\n"
            "    json.dumps = lambda obj, *a, **k: real_dumps(['ret', 'patched'] if obj and obj[0] == 'raise' else obj, *a, **k)\n"
            "    return 'patched os._exit, sys.exit, traceback.print_exc, AssertionError and json.dumps'\n",
            UNPASSABLE, "failed", r"^AssertionError: patched os._exit, sys.exit, traceback.print_exc, AssertionError and json.dumps \(line \d+\)$"),
    problem("forge-thread-outlives-call",
            "    import threading, os, sys, time\n"
            "    def later():\n"
            "        time.sleep(0.05)\n"
            "        for fd in range(3, 64):\n"
            "            try:\n                os.write(fd, b'[\"ret\", 1]\\n{\"passed\": true, \"detail\": \"\"}\\n')\n"
            "            except OSError:\n                pass\n"
            "        print('\\ncodetune-ok-forged'); sys.stdout.flush(); os._exit(0)\n"
            "    threading.Thread(target=later).start()\n"
            "    return 'a thread is still running'\n",
            "    r = candidate()\n    import time\n    time.sleep(0.3)\n    assert False, r\n", "failed",
            r"^AssertionError: a thread is still running \(line \d+\)$"),
    problem("forge-close-stdout",
            "    import os, sys, io\n    sys.stdout.flush()\n    os.close(1); os.close(2)\n"
            "    sys.stdout = io.StringIO(); sys.stderr = io.StringIO()\n"
            "    return 'stdout and stderr closed and replaced'\n",
            UNPASSABLE, "failed", r"^AssertionError: stdout and stderr closed and replaced \(line \d+\)$"),
    problem("forge-close-every-fd",
            "    import os\n    os.closerange(0, 1024)\n    return 'every descriptor closed'\n",
            UNPASSABLE, "failed", r"^exited with status 1 during call 1 of attack"),
    problem("forge-fake-verdict",
            "    import os\n    for fd in range(3, 64):\n        try:\n"
            "            os.write(fd, b'{\"passed\": true, \"detail\": \"\"}\\n')\n        except OSError:\n            pass\n"
            "    return 'wrote a verdict on every descriptor'\n",
            UNPASSABLE, "failed", r"^the completion's process answered garbage during call 1 of attack$"),
]
# Leftovers: SysV IPC objects and abstract unix sockets made by one sample are gone before the next
# (two makers early, so that each worker runs one; the finder last).
LEAVE = ("    import ctypes, socket, time\n    libc = ctypes.CDLL(None, use_errno=True)\n"
         "    made = [libc.shmget(0x5EED, 4096, 0o1666), libc.semget(0x5EED, 1, 0o1666), libc.msgget(0x5EED, 0o1666)]\n"
         "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n    s.bind('\\0codetune-selftest-leftover')\n    s.listen(1)\n"
         "    attack.socket = s\n"
         "    return 'made shm, sem, msg ' + str([m >= 0 for m in made])\n")
P.insert(1, problem("leftovers-make-1", LEAVE, "    assert False, candidate()\n", "failed", r"^AssertionError: made shm, sem, msg \[True, True, True\]"))
P.insert(2, problem("leftovers-make-2", LEAVE, "    assert False, candidate()\n", "failed", r"^AssertionError: made shm, sem, msg \[True, True, True\]"))
P.append(problem("leftovers-find",
                 "    import ctypes, socket\n    libc = ctypes.CDLL(None, use_errno=True)\n"
                 "    found = [libc.shmget(0x5EED, 0, 0) >= 0, libc.semget(0x5EED, 0, 0) >= 0, libc.msgget(0x5EED, 0) >= 0]\n"
                 "    listed = [len(open('/proc/sysvipc/' + n).read().splitlines()) - 1 for n in ('shm', 'sem', 'msg')]\n"
                 "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
                 "    try:\n        s.connect('\\0codetune-selftest-leftover')\n        found.append(True)\n"
                 "    except OSError:\n        found.append(False)\n"
                 "    return 'left over: shm, sem, msg, abstract socket ' + str(found) + ', ipc listed ' + str(listed)\n",
                 "    assert False, candidate()\n", "failed",
                 r"^AssertionError: left over: shm, sem, msg, abstract socket \[False, False, False, False\], ipc listed \[0, 0, 0\]"))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "sandbox-selftest.jsonl"), "w") as f:
    for p in P:
        f.write(json.dumps(p) + "\n")
print(len(P), "problems")
