import Foundation

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
