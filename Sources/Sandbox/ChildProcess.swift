#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A child process started with `posix_spawn`, its stdin and stdout/stderr connected to pipes
/// owned by the caller. Pipe ends are created close-on-exec, so children spawned concurrently by
/// other threads never inherit them (an inherited write end would hide end-of-file): pipes are made
/// and marked close-on-exec under `spawnLock`, which every spawn in this process takes.
struct ChildProcess {
    let pid: pid_t
    /// Write end of the child's stdin.
    let stdin: Int32
    /// Read end of the child's stdout.
    let stdout: Int32
    /// Read end of the child's stderr.
    let stderr: Int32

    /// Spawns `arguments[0]` (an absolute path) with exactly `environment`.
    static func spawn(_ arguments: [String], environment: [String]) throws -> ChildProcess {
        precondition(!arguments.isEmpty)
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        for i in 0..<3 {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else {
                [inPipe, outPipe].flatMap { $0 }.filter { $0 >= 0 }.forEach { close($0) }
                throw SandboxError("pipe: \(String(cString: strerror(errno)))")
            }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            if i == 0 { inPipe = fds } else if i == 1 { outPipe = fds } else { errPipe = fds }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // Default signal dispositions in the child, and its own process group.
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attr, argv, envp)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw SandboxError("cannot start \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        return ChildProcess(pid: pid, stdin: inPipe[1], stdout: outPipe[0], stderr: errPipe[0])
    }

    /// Kills the child (SIGKILL to its process group and itself), reaps it and closes the pipes.
    func terminate(alreadyReaped: Bool = false, stdinClosed: Bool = false) {
        if !alreadyReaped {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        if !stdinClosed { close(stdin) }
        close(stdout); close(stderr)
    }
}

/// Serialises pipe creation and spawning (Glibc's `pipe2` is not visible to Swift here).
private let spawnLock = NSLock()

/// Runs a short helper program (`arguments[0]` an absolute path, exactly `environment`) to completion and
/// returns its stdout, or nil when it cannot start, exits non-zero, is killed or runs past `timeout` seconds.
public func runToCompletion(_ arguments: [String], environment: [String], timeout: Double = 10) -> String? {
    guard let child = try? ChildProcess.spawn(arguments, environment: environment) else { return nil }
    close(child.stdin)
    var output = Data()
    let deadline = Date().addingTimeInterval(timeout)
    var buffer = [UInt8](repeating: 0, count: 65536)
    var fds = [pollfd(fd: child.stdout, events: Int16(POLLIN), revents: 0), pollfd(fd: child.stderr, events: Int16(POLLIN), revents: 0)]
    var open = 2
    while open > 0 {
        let left = deadline.timeIntervalSinceNow
        if left <= 0 { break }
        let n = poll(&fds, 2, Int32(left * 1000))
        if n < 0 { if errno == EINTR { continue }; break }
        for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
            let r = read(fds[i].fd, &buffer, buffer.count)
            if r <= 0 { fds[i].fd = -1; open -= 1; continue }
            if i == 0 { output.append(contentsOf: buffer[0..<r]) }
        }
    }
    kill(child.pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
    close(child.stdout); close(child.stderr)
    guard open == 0, (status & 0x7f) == 0, (status >> 8) & 0xff == 0 else { return nil }
    return String(decoding: output, as: UTF8.self)
}
