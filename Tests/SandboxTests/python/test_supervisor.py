"""Unit tests of the sandbox supervisor (Sources/Sandbox/supervisor.py) through its JSON-lines protocol.

The supervisor runs as a subprocess in its `rlimits` mode (no bubblewrap, no PID namespace), started the
way SandboxConfiguration starts it. Standard library only:

    python3 -m unittest discover -s Tests/SandboxTests/python

SandboxTests.SupervisorPythonTests runs these against the copy embedded in the Swift binary by setting
CODETUNE_SUPERVISOR to it; by default they test the source file.
"""
import json
import os
import select
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SUPERVISOR = os.environ.get("CODETUNE_SUPERVISOR") or os.path.join(
    HERE, "..", "..", "..", "Sources", "Sandbox", "supervisor.py")
SENTINEL = "codetune-ok-test-sentinel"
LIMITS = {"cpu_s": 3, "address_space_bytes": 1024 << 20, "file_size_bytes": 16 << 20,
          "open_files": 64, "processes": 32}


class Supervisor:
    """One supervisor process; `ask` sends a request line and returns the decoded answer line."""

    def __init__(self):
        with open(SUPERVISOR, encoding="utf-8") as f:
            source = f.read()
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-B", "-X", "frozen_modules=on", "-c", source],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})

    def ask(self, request, timeout=20.0):
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise AssertionError("the supervisor did not answer within %s s" % timeout)
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError("the supervisor exited: " + self.process.stderr.read().decode())
        return json.loads(line)

    def run(self, program, entry_point=None, timeout_s=3.0, output_cap_bytes=64 << 10):
        return self.ask({"program": program, "entry_point": entry_point, "sentinel": SENTINEL,
                         "timeout_s": timeout_s, "output_cap_bytes": output_cap_bytes, "limits": dict(LIMITS)})

    def split(self, prompt, completion, test, entry_point="square", call_check=True, timeout_s=3.0):
        return self.ask({"prompt": prompt, "completion": completion, "test": test, "entry_point": entry_point,
                         "call_check": call_check, "timeout_s": timeout_s, "output_cap_bytes": 64 << 10,
                         "limits": dict(LIMITS)})

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


def passed(answer):
    """As the Swift side judges: exit 0 and the sentinel on a line of its own."""
    return answer.get("exit_code") == 0 and ("\n" + SENTINEL + "\n") in answer["stdout"]


def judged(answer):
    """A split sample: passed only on the judging process's word."""
    return answer.get("judge", {}).get("passed") is True


SQUARE = "def square(x):\n    return x * x\n"
PROMPT = 'def square(x):\n    """x times x"""\n'
CHECK = "def check(candidate):\n    assert candidate(3) == 9\n    assert candidate(0) == 0\n"


class SupervisorProtocolTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.supervisor = Supervisor()

    @classmethod
    def tearDownClass(cls):
        cls.supervisor.close()

    def test_ping_is_answered_with_pong(self):
        answer = self.supervisor.ask({"ping": True})
        self.assertIs(answer["pong"], True)
        self.assertIs(answer["pidns"], False)
        self.assertIsInstance(answer["pid"], int)

    def test_a_split_sample_passes_on_the_judges_word(self):
        answer = self.supervisor.split(PROMPT, "    return x * x\n", CHECK)
        self.assertTrue(judged(answer), answer)
        self.assertEqual(answer["judge"]["calls"], 2)
        self.assertFalse(answer["timed_out"])
        self.assertFalse(answer["flooded"])
        self.assertTrue(answer["clean"])
        self.assertIsInstance(answer["duration_ms"], int)

    def test_failing_assert_is_reported_by_the_judge_with_the_line_of_the_whole_program(self):
        answer = self.supervisor.split(PROMPT, "    return x + 2\n", CHECK)
        self.assertFalse(judged(answer))
        # prompt (2 lines), completion (1), "\n" (an empty line 4), "def check" (5): the first assert is line 6
        self.assertEqual(answer["judge"]["detail"], "AssertionError (line 6)")

    def test_an_exception_in_the_completion_reaches_check_as_that_exception(self):
        test = ("def check(candidate):\n    try:\n        candidate(-1)\n    except ValueError as e:\n"
                "        assert str(e) == 'negative'\n    else:\n        assert False\n    assert candidate(2) == 4\n")
        body = "    if x < 0:\n        raise ValueError('negative')\n    return x * x\n"
        self.assertTrue(judged(self.supervisor.split(PROMPT, body, test)))
        custom = "    class Negative(ValueError):\n        pass\n    if x < 0:\n        raise Negative('negative')\n    return x * x\n"
        self.assertTrue(judged(self.supervisor.split(PROMPT, custom, test)), "a subclass arrives as its built-in base")
        answer = self.supervisor.split(PROMPT, "    return 1 // 0\n", CHECK)
        self.assertEqual(answer["judge"]["detail"], "ZeroDivisionError: integer division or modulo by zero (line 3)")

    def test_the_tests_own_time_and_prints_are_bounded(self):
        slow = "def check(candidate):\n    assert candidate(3) == 9\n    while True:\n        pass\n"
        answer = self.supervisor.split(PROMPT, "    return x * x\n", slow, timeout_s=0.5)
        self.assertTrue(answer["timed_out"], answer)
        self.assertNotIn("judge", answer)
        noisy = "def check(candidate):\n    print('not protocol')\n    import sys\n    sys.stderr.write('x')\n    assert candidate(3) == 9\n"
        self.assertTrue(judged(self.supervisor.split(PROMPT, "    return x * x\n", noisy)))
        self.assertTrue(judged(self.supervisor.split(PROMPT, "    return x * x\n", CHECK)), "the supervisor goes on")

    def test_a_verdict_cannot_be_caught_by_the_test(self):
        test = ("def check(candidate):\n    try:\n        candidate(3)\n    except BaseException:\n        pass\n")
        body = "    class A:\n        pass\n    return A()\n"
        answer = self.supervisor.split(PROMPT, body, test)
        self.assertFalse(judged(answer))
        self.assertEqual(answer["judge"]["detail"], "the entry point returned a A, not a built-in value")
        gone = self.supervisor.split(PROMPT, "    import os\n    os._exit(0)\n", test)
        self.assertFalse(judged(gone))

    def test_self_checking_program_passes_by_running_to_its_end(self):
        self.assertTrue(passed(self.supervisor.run("assert 1 + 1 == 2\n")))
        failed = self.supervisor.run("assert 1 == 2, 'nope'\n")
        self.assertEqual(failed["exit_code"], 1)
        self.assertIn("nope", failed["stderr"])

    def test_self_checking_tests_in_the_judge(self):
        tests = "assert square(3) == 9\nassert square(0) == 0\n"
        self.assertTrue(judged(self.supervisor.split(PROMPT, "    return x * x\n", tests, call_check=False)))
        self.assertFalse(judged(self.supervisor.split(PROMPT, "    return x\n", tests, call_check=False)))

    def test_an_entry_point_in_one_program_is_refused(self):
        answer = self.supervisor.run(SQUARE + CHECK, entry_point="square")
        self.assertEqual(answer["exit_code"], 121)
        self.assertIn("codetune-sandbox:", answer["stderr"])

    def test_early_exit_zero_is_the_completion_going_away(self):
        answer = self.supervisor.split(PROMPT, "    return x * x\nimport sys\nsys.exit(0)\n", CHECK)
        self.assertFalse(judged(answer))
        self.assertEqual(answer["judge"]["gone"], "before its entry point was defined")
        self.assertEqual(answer["exit_code"], 0)
        answer = self.supervisor.split(PROMPT, "    import os\n    os._exit(0)\n", CHECK)
        self.assertEqual(answer["judge"]["gone"], "during call 1 of square")

    def test_missing_entry_point_or_check_fails(self):
        self.assertFalse(judged(self.supervisor.split("", "", CHECK)))
        answer = self.supervisor.split(PROMPT, "    return x * x\n", "")
        self.assertFalse(judged(answer))
        self.assertIn("check", answer["judge"]["detail"])

    def test_values_that_are_not_built_in_fail_the_guard(self):
        body = "    class A:\n        def __eq__(self, other):\n            return True\n    return A()\n"
        answer = self.supervisor.split(PROMPT, body, CHECK)
        self.assertFalse(judged(answer))
        self.assertEqual(answer["judge"]["detail"], "the entry point returned a A, not a built-in value")
        nested = "    return {'k': [(x * x,)]}['k'][0][0]\n"
        self.assertTrue(judged(self.supervisor.split(PROMPT, nested, CHECK)))

    def test_built_in_values_cross_exactly(self):
        value = "[1, -2**70, 10**5000, 0.1, -0.0, float('inf'), 1.5j, 'é\\udcff', b'\\x00', None, True, (1, (2,)), {3}, frozenset([4]), {(1, 2): [3]}, {}]"
        test = "def check(candidate):\n    v = " + value + "\n    r = candidate(v)\n    assert r == v and [type(x) for x in r] == [type(x) for x in v]\n    assert type(r[1]) is int and type(r[6]) is complex and type(r[11]) is tuple\n"
        answer = self.supervisor.split(PROMPT, "    return x\n", test)
        self.assertTrue(judged(answer), answer)

    def test_timeout_kills_the_sample(self):
        answer = self.supervisor.run("while True:\n    pass\n", timeout_s=0.5)
        self.assertTrue(answer["timed_out"])
        self.assertEqual(answer.get("signal"), 9)
        self.assertNotIn("exit_code", answer)
        self.assertTrue(passed(self.supervisor.run("pass\n")), "the supervisor goes on after a timeout")

    def test_output_past_twice_the_cap_is_a_flood(self):
        answer = self.supervisor.run("import sys\nwhile True:\n    sys.stdout.write('x' * 4096)\n",
                                     output_cap_bytes=1024)
        self.assertTrue(answer["flooded"])
        self.assertLessEqual(len(answer["stdout"]), 1024)
        kept = self.supervisor.run("print('y' * 1500)\n", output_cap_bytes=1024)
        self.assertFalse(kept["flooded"])
        self.assertEqual(len(kept["stdout"]), 1024, "stdout is cut at the cap")

    def test_limits_are_hard_inside_the_sample(self):
        program = ("import resource\n"
                   "assert resource.getrlimit(resource.RLIMIT_NOFILE) == (64, 64)\n"
                   "assert resource.getrlimit(resource.RLIMIT_CPU) == (3, 3)\n"
                   "assert resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)\n")
        self.assertTrue(passed(self.supervisor.run(program)))

    def test_the_sample_directory_is_wiped(self):
        answer = self.supervisor.run("import os\nopen('left.txt', 'w').write('x')\nprint(os.getcwd())\n")
        self.assertTrue(passed(answer), answer)
        self.assertTrue(answer["clean"])
        workdir = answer["stdout"].splitlines()[0]
        self.assertIn("codetune-sandbox-", workdir, "never the caller's directory")
        self.assertFalse(os.path.exists(os.path.join(workdir, "left.txt")))


class SupervisorLifetimeTests(unittest.TestCase):
    def test_end_of_input_ends_the_supervisor_and_removes_its_directory(self):
        supervisor = Supervisor()
        try:
            workdir = os.path.dirname(supervisor.run("import os\nprint(os.getcwd())\n")["stdout"].splitlines()[0])
            self.assertTrue(os.path.isdir(workdir))
        finally:
            supervisor.close()
        self.assertEqual(supervisor.process.returncode, 0)
        self.assertFalse(os.path.exists(workdir))


if __name__ == "__main__":
    unittest.main()
