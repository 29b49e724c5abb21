/// How samples are isolated.
public enum SandboxMode: String, Codable, Sendable, CaseIterable {
    /// bubblewrap: new user, PID, network, IPC, UTS (and cgroup) namespaces, no network, only the
    /// interpreter's files visible read-only, a size-capped private tmpfs as working directory,
    /// a cleared environment, plus the `SandboxLimits`. The default; required unless asked otherwise.
    case bwrap
    /// rlimits and a process group only: the sample sees the host's files, network and processes.
    /// Weaker; only when asked for explicitly with `--sandbox rlimits`.
    case rlimits
}
