import Foundation

/// Verifies many programs with one `python3 -I` process that forks a child per program: the child sets
/// CPU-time and address-space rlimits, runs the program with fresh globals and stdout discarded, and
/// reports the exception line; the parent kills it after `timeoutSeconds` of wall time. Forking skips the
/// interpreter start-up (tens of milliseconds each), which dominates for these small programs. Isolation
/// is that of rlimits, a scratch working directory and process separation: for generated code only.
public struct PythonForkingVerifier: ProgramVerifier {
    public var python: String
    public var timeoutSeconds: Double
    public var memoryMegabytes: Int
    public init(python: String = "python3", timeoutSeconds: Double = 5, memoryMegabytes: Int = 512) {
        self.python = python; self.timeoutSeconds = timeoutSeconds; self.memoryMegabytes = memoryMegabytes
    }

    public func verify(program: String) -> VerificationOutcome { verifyAll([program])[0] }

    static let harness = #"""
import json, os, resource, sys, time
programs = json.load(sys.stdin)
timeout, mem = float(sys.argv[1]), int(sys.argv[2]) * 1024 * 1024
cpu = int(timeout) + 1
devnull = os.open(os.devnull, os.O_WRONLY)
results = []
for src in programs:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 1
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
            resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
            os.dup2(devnull, 1)
            exec(compile(src, "check.py", "exec"), {"__name__": "__main__"})
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if code: os.write(w, ("SystemExit: %r" % (e.code,)).encode())
        except BaseException as e:
            os.write(w, ("%s: %s" % (type(e).__name__, e))[:400].encode("utf-8", "replace"))
        finally:
            os._exit(code)
    os.close(w)
    deadline = time.monotonic() + timeout
    status = None
    while True:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            break
        time.sleep(0.0005)
    message = os.read(r, 1000).decode("utf-8", "replace")
    os.close(r)
    if status is None:
        results.append(["timeout", ""])
    elif os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        results.append(["passed", ""])
    elif os.WIFSIGNALED(status):
        results.append(["failed", message or "killed by signal %d" % os.WTERMSIG(status)])
    else:
        results.append(["failed", message or "exit status %d" % os.WEXITSTATUS(status)])
json.dump(results, sys.stdout)
"""#

    public func verifyAll(_ programs: [String]) -> [VerificationOutcome] {
        if programs.isEmpty { return [] }
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("codetune-verify-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        do { try fm.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            return programs.map { _ in .error("cannot create \(dir.path)") }
        }
        defer { try? fm.removeItem(at: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, "-I", "-B", "-c", Self.harness, String(timeoutSeconds), String(memoryMegabytes)]
        p.currentDirectoryURL = dir
        p.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return programs.map { _ in .error("cannot run \(python): \(error.localizedDescription)") } }
        final class Collected: @unchecked Sendable { var data = Data() }
        let collected = Collected()
        let readDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { collected.data = output.fileHandleForReading.readDataToEndOfFile(); readDone.signal() }
        let payload = (try? JSONSerialization.data(withJSONObject: programs)) ?? Data("[]".utf8)
        try? input.fileHandleForWriting.write(contentsOf: payload)
        try? input.fileHandleForWriting.close()
        readDone.wait()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let rows = (try? JSONSerialization.jsonObject(with: collected.data)) as? [[String]], rows.count == programs.count
        else { return programs.map { _ in .error("\(python) verifier harness failed (exit \(p.terminationStatus))") } }
        return rows.map { row in
            switch row.first {
            case "passed": return .passed
            case "timeout": return .timedOut
            default: return .failed(row.count > 1 ? row[1] : "")
            }
        }
    }
}
