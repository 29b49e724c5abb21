import Foundation

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

    /// The supervisor program (`supervisor.py`, embedded in the binary at build time), passed with `-c`.
    public static let supervisorSource = String(decoding: PackageResources.supervisor_py, as: UTF8.self)

    /// Starts one supervisor and stops it again; throws `SandboxError` when the sandbox cannot run here,
    /// so callers can refuse before running anything.
    public func probe() throws {
        let supervisor = SandboxSupervisor(configuration: self)
        try supervisor.start()
        supervisor.stop()
    }

    /// The command line that starts one supervisor.
    func supervisorCommand() throws -> [String] {
        let python = [self.python.executable] + Self.pythonFlags + ["-c", Self.supervisorSource]
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
