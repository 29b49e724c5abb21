#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One long-lived sandboxed supervisor (`supervisor.py`) that runs samples one at a
/// time. Starting the sandbox and the interpreter once per worker, then forking per sample, is what
/// makes sandboxed scoring fast. Restarted transparently when a sample kills it. Not thread-safe:
/// one per worker thread.
public final class SandboxSupervisor {
    public let configuration: SandboxConfiguration
    private var child: ChildProcess?
    private var pending = [UInt8]()
    private var stderrTail = [UInt8]()
    private var stderrOpen = true
    /// Set when the supervisor's stdout reached end-of-file (it died).
    private var sawEndOfFile = false

    public init(configuration: SandboxConfiguration) {
        self.configuration = configuration
    }

    deinit { stop() }

    /// Ends the supervisor: end-of-file on its stdin lets it clean up and exit; SIGKILL after 0.5 s.
    public func stop() {
        if let child {
            close(child.stdin)
            let deadline = Date().addingTimeInterval(0.5)
            var status: Int32 = 0
            var exited = false
            while Date() < deadline {
                let r = waitpid(child.pid, &status, WNOHANG)
                if r == child.pid || (r < 0 && errno != EINTR) { exited = true; break }
                usleep(2000)
            }
            child.terminate(alreadyReaped: exited, stdinClosed: true)
        }
        child = nil
        pending.removeAll()
    }

    /// Starts the supervisor and checks it answers; throws `SandboxError` with bwrap's message otherwise.
    public func start() throws {
        stop()
        ignoreBrokenPipes
        let command = try configuration.supervisorCommand()
        let child = try ChildProcess.spawn(command, environment: ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"])
        self.child = child
        stderrTail.removeAll()
        stderrOpen = true
        sawEndOfFile = false
        try send(#"{"ping": true}"#)
        guard let line = try receive(deadline: Date().addingTimeInterval(30)) else {
            let message = String(decoding: stderrTail, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init)
            stop()
            throw SandboxError("the \(configuration.mode.rawValue) sandbox did not start: \(message ?? "no answer")")
        }
        guard line.contains("\"pong\": true") else {
            stop()
            throw SandboxError("the sandbox supervisor answered unexpectedly")
        }
    }

    /// Runs one sample split in two processes and judges it: the completion's process runs
    /// `prompt + completion`; the judging process (the supervisor itself) runs `prompt` (its entry point replaced by a stub that
    /// asks the completion's process) and `test`, then `check(entryPoint)` when `callCheck` (else the
    /// test's own statements are the check). Passed only when the judging process says the test ran to
    /// its end with every call answered by built-in values.
    public func run(prompt: String, completion: String, test: String, entryPoint: String, callCheck: Bool = true)
        -> (status: SampleStatus, detail: String, durationMs: Int) {
        run(request: ["prompt": prompt, "completion": completion, "test": test, "entry_point": entryPoint,
                      "call_check": callCheck], sentinel: "")
    }

    /// Runs one self-checking program (code followed by its own asserts, no entry point) and judges it:
    /// passed when it ran to its end (exit 0 and a fresh sentinel printed after it). Being one process, it
    /// stops early exits, not a program that inspects the harness: use the split form when there is a test.
    public func run(program: String) -> (status: SampleStatus, detail: String, durationMs: Int) {
        let sentinel = randomSentinel()
        return run(request: ["program": program, "entry_point": NSNull(), "sentinel": sentinel], sentinel: sentinel)
    }

    private func run(request sample: [String: Any], sentinel: String) -> (status: SampleStatus, detail: String, durationMs: Int) {
        let started = Date()
        let limits = configuration.limits
        var request = sample
        request["timeout_s"] = limits.timeoutSeconds
        request["output_cap_bytes"] = limits.outputCapBytes
        request["limits"] = ["cpu_s": limits.cpuSeconds, "address_space_bytes": limits.memoryMB << 20,
                             "file_size_bytes": limits.fileSizeBytes, "open_files": limits.openFiles,
                             "processes": limits.processes]
        func elapsed() -> Int { Int(Date().timeIntervalSince(started) * 1000) }
        do {
            if child == nil { try start() }
            let data = try JSONSerialization.data(withJSONObject: request)
            try send(String(decoding: data, as: UTF8.self))
            // The supervisor enforces the timeout; this deadline only catches a wedged supervisor.
            guard let line = try receive(deadline: started.addingTimeInterval(limits.timeoutSeconds + 15)) else {
                let lost = sawEndOfFile
                stop()
                if lost {
                    return (.failed, "the sample killed the sandbox supervisor", elapsed())
                }
                return (.sandbox_error, "the sandbox supervisor stopped answering", elapsed())
            }
            let raw = try JSONDecoder().decode(RawOutcome.self, from: Data(line.utf8))
            if !raw.clean { stop() }  // A directory it could not wipe: start afresh for the next sample.
            let (status, detail) = judge(raw, sentinel: sentinel, limits: limits)
            return (status, detail, raw.duration_ms)
        } catch let error as SandboxError {
            stop()
            return (.sandbox_error, error.description, elapsed())
        } catch {
            stop()
            return (.sandbox_error, "sandbox protocol: \(error)", elapsed())
        }
    }

    private func send(_ line: String) throws {
        guard let child else { throw SandboxError("sandbox not running") }
        var bytes = Array(line.utf8)
        bytes.append(10)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(child.stdin, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SandboxError("sandbox supervisor is gone (\(String(cString: strerror(errno))))")
            }
            offset += n
        }
    }

    /// The next line from the supervisor, or nil at end-of-file or the deadline.
    private func receive(deadline: Date) throws -> String? {
        guard let child else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            var fds = [pollfd(fd: child.stdout, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stderrOpen ? child.stderr : -1, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, Int32(min(left, 3600) * 1000) + 1)
            if n < 0 { if errno == EINTR { continue }; throw SandboxError("poll: \(String(cString: strerror(errno)))") }
            if fds[1].revents != 0 {
                let r = read(child.stderr, &buffer, buffer.count)
                if r <= 0 { stderrOpen = false }
                if r > 0 {
                    stderrTail.append(contentsOf: buffer[0..<r])
                    if stderrTail.count > 4096 { stderrTail.removeFirst(stderrTail.count - 4096) }
                }
            }
            if fds[0].revents != 0 {
                let r = read(child.stdout, &buffer, buffer.count)
                if r == 0 { sawEndOfFile = true; return nil }
                if r < 0 { if errno == EINTR { continue }; sawEndOfFile = true; return nil }
                pending.append(contentsOf: buffer[0..<r])
            }
        }
    }
}

/// Writing to a supervisor that just died must be an EPIPE error, not a SIGPIPE that ends codetune.
private let ignoreBrokenPipes: Void = {
    signal(SIGPIPE, SIG_IGN)
}()

/// 128 random bits as hex, fresh for every sample.
func randomSentinel() -> String {
    var g = SystemRandomNumberGenerator()
    return "codetune-ok-" + (0..<2).map { _ in String(g.next() as UInt64, radix: 16) }.joined(separator: "-")
}
