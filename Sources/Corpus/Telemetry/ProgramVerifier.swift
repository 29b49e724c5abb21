import Foundation

/// What running a program with its tests said.
public enum VerificationOutcome: Equatable, Sendable {
    case passed
    /// Non-zero exit (an assertion or an exception); the last line of stderr.
    case failed(String)
    case timedOut
    /// The program could not be run at all (no interpreter, no temporary directory).
    case error(String)

    public var passed: Bool { self == .passed }
}

/// Runs a self-checking program (solution plus assertions) and says whether it passed. The exercise
/// generator calls this before an exercise becomes an `accepted` event; the evaluator's sandbox can be
/// plugged in by conforming to this protocol.
public protocol ProgramVerifier: Sendable {
    func verify(program: String) -> VerificationOutcome
    /// Several programs at once (a verifier may amortize its start-up); same order as `programs`.
    func verifyAll(_ programs: [String]) -> [VerificationOutcome]
}

extension ProgramVerifier {
    public func verifyAll(_ programs: [String]) -> [VerificationOutcome] { programs.map { verify(program: $0) } }
}

/// Runs `python3 -I` in a fresh temporary directory under `ulimit` limits (CPU seconds, address space,
/// file size, open files, processes) with a wall-clock timeout. Isolation is only that of rlimits and a
/// scratch directory — good enough for programs this project generates itself, not for untrusted code.
public struct PythonSubprocessVerifier: ProgramVerifier {
    public var python: String
    public var timeoutSeconds: Double
    public var memoryMegabytes: Int
    public init(python: String = "python3", timeoutSeconds: Double = 5, memoryMegabytes: Int = 512) {
        self.python = python; self.timeoutSeconds = timeoutSeconds; self.memoryMegabytes = memoryMegabytes
    }

    public func verify(program: String) -> VerificationOutcome {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("codetune-verify-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        do { try fm.createDirectory(at: dir, withIntermediateDirectories: true) } catch { return .error("cannot create \(dir.path)") }
        defer { try? fm.removeItem(at: dir) }
        let file = dir.appendingPathComponent("check.py")
        do { try Data(program.utf8).write(to: file) } catch { return .error("cannot write \(file.path)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        let cpu = Int(timeoutSeconds.rounded(.up)) + 1
        let limits = "ulimit -t \(cpu); ulimit -v \(memoryMegabytes * 1024); ulimit -f 1024; ulimit -n 64; ulimit -u 256 2>/dev/null"
        p.arguments = ["-c", "\(limits); exec \"$0\" -I -B \"$1\"", python, file.path]
        p.currentDirectoryURL = dir
        p.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8",
                         "PYTHONHASHSEED": "0"]
        let errPipe = Pipe()
        p.standardError = errPipe
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        do { try p.run() } catch { return .error("cannot run \(python): \(error.localizedDescription)") }
        // Read stderr concurrently so a chatty program cannot block on a full pipe.
        final class Collected: @unchecked Sendable { var data = Data() }
        let collected = Collected()
        let readDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { collected.data = errPipe.fileHandleForReading.readDataToEndOfFile(); readDone.signal() }
        if done.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            done.wait()
            readDone.wait()
            return .timedOut
        }
        readDone.wait()
        if p.terminationReason == .uncaughtSignal { return .failed("killed by signal \(p.terminationStatus)") }
        if p.terminationStatus == 0 { return .passed }
        let lastLine = String(decoding: collected.data.suffix(2000), as: UTF8.self)
            .split(separator: "\n").last.map(String.init) ?? "exit status \(p.terminationStatus)"
        if p.terminationStatus == 127 || lastLine.contains("not found") && lastLine.contains(python) {
            return .error("cannot run \(python): \(lastLine)")
        }
        return .failed(lastLine)
    }
}
