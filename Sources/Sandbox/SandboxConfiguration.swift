import Foundation

/// How samples are isolated.
public enum SandboxMode: String, Codable, Sendable, CaseIterable {
    /// bubblewrap: new user, PID, network, IPC, UTS (and cgroup) namespaces, no network, only the
    /// interpreter's files visible read-only, a size-capped private tmpfs as working directory,
    /// a cleared environment, plus the rlimits below. The default; required unless asked otherwise.
    case bwrap
    /// rlimits and a process group only: the sample sees the host's files, network and processes.
    /// Weaker; only when asked for explicitly with `--sandbox rlimits`.
    case rlimits
}

/// A failure of the sandbox itself (cannot start, broken protocol), never of a sample.
public struct SandboxError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Resource limits applied to every sample (hard = soft, set by the supervisor before the sample's
/// code runs, so the sample cannot lift them).
public struct SandboxLimits: Codable, Equatable, Sendable {
    /// Wall-clock seconds per sample; the whole process tree is killed when it runs out.
    public var timeoutSeconds: Double = 3
    /// Address space of the sample's process, in MiB (RLIMIT_AS).
    public var memoryMB: Int = 1024
    /// Largest file the sample may write, in bytes (RLIMIT_FSIZE).
    public var fileSizeBytes: Int = 16 << 20
    /// Open file descriptors (RLIMIT_NOFILE).
    public var openFiles: Int = 64
    /// Processes of the sandbox's user, counted in its user namespace (RLIMIT_NPROC).
    public var processes: Int = 32
    /// Bytes of stdout and of stderr kept; past twice this in total the sample is killed.
    public var outputCapBytes: Int = 64 << 10
    /// Size of the private tmpfs that is the sample's working directory, in MiB.
    public var tmpfsMB: Int = 64

    public init() {}

    /// CPU seconds (RLIMIT_CPU): the wall-clock limit rounded up plus one.
    public var cpuSeconds: Int { Int(timeoutSeconds.rounded(.up)) + 1 }
}

/// The Python interpreter samples run with, and the host paths it needs.
public struct PythonInterpreter: Sendable, Equatable {
    /// Absolute, symlink-free path of the executable.
    public var executable: String
    /// `sys.base_prefix` (symlinks resolved): bound read-only in the sandbox.
    public var prefix: String
    /// `major.minor`.
    public var version: String

    public init(executable: String, prefix: String, version: String) {
        self.executable = executable
        self.prefix = prefix
        self.version = version
    }

    /// Asks `command` (a name on PATH, or a path; default `$CODETUNE_PYTHON` or `python3`) for its real
    /// executable and prefix. Throws when no Python 3 answers.
    public static func locate(_ command: String? = nil) throws -> PythonInterpreter {
        let env = ProcessInfo.processInfo.environment
        let name = command ?? env["CODETUNE_PYTHON"] ?? "python3"
        guard let path = resolveOnPath(name, path: env["PATH"] ?? "/usr/bin:/bin") else {
            throw SandboxError("no Python interpreter '\(name)' on PATH (set CODETUNE_PYTHON)")
        }
        let probe = "import sys, os; print(os.path.realpath(sys.executable)); print(os.path.realpath(sys.base_prefix)); print('%d.%d' % sys.version_info[:2])"
        var childEnv = env.filter { ["PATH", "HOME", "PYENV_VERSION", "PYENV_ROOT", "LANG"].contains($0.key) }.map { "\($0.key)=\($0.value)" }
        if childEnv.isEmpty { childEnv = ["PATH=/usr/bin:/bin"] }
        guard let out = runToCompletion([path, "-c", probe], environment: childEnv) else {
            throw SandboxError("\(path) did not answer as a Python interpreter")
        }
        let lines = out.split(separator: "\n").map(String.init)
        guard lines.count >= 3, lines[2].hasPrefix("3.") else {
            throw SandboxError("\(path) is not Python 3")
        }
        return PythonInterpreter(executable: lines[0], prefix: lines[1], version: lines[2])
    }

    static func resolveOnPath(_ name: String, path: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Everything needed to start sandboxed supervisors.
public struct SandboxConfiguration: Sendable {
    public var mode: SandboxMode
    public var python: PythonInterpreter
    public var limits: SandboxLimits
    /// `bwrap` executable (when nil: `$CODETUNE_BWRAP`, else found on PATH).
    public var bwrapPath: String?

    public init(mode: SandboxMode, python: PythonInterpreter, limits: SandboxLimits, bwrapPath: String? = nil) {
        self.mode = mode
        self.python = python
        self.limits = limits
        self.bwrapPath = bwrapPath
    }

    /// Interpreter flags for a fast, isolated start: no site import, no environment, no user site,
    /// no bytecode writing, frozen standard modules.
    static let pythonFlags = ["-I", "-S", "-B", "-X", "frozen_modules=on"]

    /// The command line that starts one supervisor.
    func supervisorCommand() throws -> [String] {
        let python = [self.python.executable] + Self.pythonFlags + ["-c", sandboxSupervisorSource]
        switch mode {
        case .rlimits:
            return python
        case .bwrap:
            let env = ProcessInfo.processInfo.environment
            guard let bwrap = bwrapPath ?? env["CODETUNE_BWRAP"] ?? PythonInterpreter.resolveOnPath("bwrap", path: env["PATH"] ?? "/usr/bin:/bin") else {
                throw SandboxError("bubblewrap (bwrap) is not installed")
            }
            var args = [bwrap,
                        "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                        "--unshare-cgroup-try", "--cap-drop", "ALL",
                        "--die-with-parent", "--new-session", "--hostname", "sandbox"]
            args += Self.systemLibraryBinds()
            let prefix = self.python.prefix
            let prefixBound = !["/usr", "/", "/usr/lib"].contains(prefix)
            if prefixBound { args += ["--ro-bind", prefix, prefix] }
            let exe = self.python.executable
            if !(prefixBound && exe.hasPrefix(prefix + "/")) && !exe.hasPrefix("/usr/lib/") {
                args += ["--ro-bind", exe, exe]
            }
            for etc in ["/etc/ld.so.cache", "/etc/localtime"] where FileManager.default.fileExists(atPath: etc) {
                args += ["--ro-bind", etc, etc]
            }
            args += ["--proc", "/proc", "--dev", "/dev",
                     "--size", String(limits.tmpfsMB << 20), "--tmpfs", "/tmp",
                     "--chdir", "/tmp", "--remount-ro", "/",
                     "--clearenv", "--setenv", "PATH", "\(prefix)/bin:/usr/bin:/bin",
                     "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8",
                     "--"]
            return args + python + ["--pidns"]
        }
    }

    /// `/usr/lib*` bound read-only and `/lib*` mirrored as the host has them (symlink or directory).
    static func systemLibraryBinds() -> [String] {
        var args: [String] = []
        let fm = FileManager.default
        for dir in ["/usr/lib", "/usr/lib64", "/usr/lib32"] where fm.fileExists(atPath: dir) {
            args += ["--ro-bind", dir, dir]
        }
        for dir in ["/lib", "/lib64", "/lib32"] {
            if let target = try? fm.destinationOfSymbolicLink(atPath: dir) {
                args += ["--symlink", target, dir]
            } else if fm.fileExists(atPath: dir) {
                args += ["--ro-bind", dir, dir]
            }
        }
        return args
    }
}
